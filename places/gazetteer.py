"""The offline gazetteer of municipalities and city districts (GeoNames, CC BY 4.0).

One file per country, places/data/<country>_places.csv (Czechia ~2,750 rows, Poland ~3,870); the
countries in use come from ``settings.POMOC_COUNTRIES``. Loaded once per process (a few
milliseconds), kept in memory and looked up by accent- and case-insensitive name. No database and
no network: this is what keeps place lookup working when the network does not.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings

from places.text import normalize_name

KM_PER_DEGREE = 111.2
DATA_DIR = Path(__file__).resolve().parent / "data"
DATA_FILE = DATA_DIR / "cz_places.csv"


def data_file(country: str) -> Path:
    return DATA_DIR / f"{country}_places.csv"


def available_countries() -> list[str]:
    return sorted(path.name.split("_", 1)[0] for path in DATA_DIR.glob("*_places.csv"))


@dataclass(frozen=True)
class GazetteerPlace:
    geonameid: int
    name: str
    kind: str  # "municipality" or "district"
    region: str
    latitude: float
    longitude: float
    population: int
    aliases: tuple[str, ...] = field(default=(), repr=False)
    country: str = "cz"


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[GazetteerPlace, ...]
    by_name: dict[str, tuple[GazetteerPlace, ...]]
    by_alias: dict[str, tuple[GazetteerPlace, ...]]

    def lookup(self, query: str) -> GazetteerPlace | None:
        """The best place for a typed name: an official name beats an alias, then the most
        populous wins (there are dozens of villages called Lhota; "Lhota" means the biggest)."""
        key = normalize_name(query)
        if not key:
            return None
        for index in (self.by_name, self.by_alias):
            candidates = index.get(key)
            if candidates:
                return candidates[0]
        return None

    def nearest(self, latitude: float, longitude: float) -> tuple[GazetteerPlace, float] | None:
        """The place whose centre lies nearest a point, with the distance in km (an
        equirectangular approximation: exact enough to name a place, and 2,750 rows scan in a
        millisecond)."""
        best: tuple[GazetteerPlace, float] | None = None
        scale = math.cos(math.radians(latitude))
        for place in self.places:
            north = place.latitude - latitude
            east = (place.longitude - longitude) * scale
            km = math.hypot(north, east) * KM_PER_DEGREE
            if best is None or km < best[1]:
                best = (place, km)
        return best

    def search(self, prefix: str, *, limit: int = 10) -> list[GazetteerPlace]:
        """Places whose name starts with the typed text, most populous first (for autocomplete)."""
        key = normalize_name(prefix)
        if len(key) < 2:
            return []
        matches = [
            place
            for name, places in self.by_name.items()
            if name.startswith(key)
            for place in places
        ]
        matches.sort(key=lambda place: (-place.population, place.name))
        return matches[:limit]


def _index(pairs: list[tuple[str, GazetteerPlace]]) -> dict[str, tuple[GazetteerPlace, ...]]:
    grouped: dict[str, list[GazetteerPlace]] = {}
    for key, place in pairs:
        grouped.setdefault(key, [])
        if place not in grouped[key]:
            grouped[key].append(place)
    return {
        key: tuple(sorted(places, key=lambda place: -place.population))
        for key, places in grouped.items()
    }


def load_gazetteer(*paths: Path) -> Gazetteer:
    """The places of the given files (default: Czechia's); the country is the file's prefix."""
    places = []
    for path in paths or (DATA_FILE,):
        country = path.name.split("_", 1)[0]
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                places.append(
                    GazetteerPlace(
                        geonameid=int(row["geonameid"]),
                        name=row["name"],
                        kind=row["kind"],
                        region=row["region"],
                        latitude=float(row["latitude"]),
                        longitude=float(row["longitude"]),
                        population=int(row["population"]),
                        aliases=tuple(filter(None, row["aliases"].split("|"))),
                        country=country,
                    )
                )
    by_name = _index([(normalize_name(place.name), place) for place in places])
    by_alias = _index(
        [(normalize_name(alias), place) for place in places for alias in place.aliases]
    )
    return Gazetteer(places=tuple(places), by_name=by_name, by_alias=by_alias)


# Keyed by the countries, so a test that overrides POMOC_COUNTRIES gets its own gazetteer.
@cache
def _gazetteer_for(countries: tuple[str, ...]) -> Gazetteer:
    return load_gazetteer(*(data_file(country) for country in countries))


def get_gazetteer() -> Gazetteer:
    """The gazetteer of the countries in use (``POMOC_COUNTRIES``)."""
    return _gazetteer_for(tuple(settings.POMOC_COUNTRIES))
