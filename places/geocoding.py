"""Turning a typed place name into a point.

``place_resolve`` is the one entry point. It asks the offline gazetteer first (instant, and
authoritative for Czech municipalities), then, if a network geocoder is configured
(``POMOC_GEOCODER``, any geopy provider), that geocoder through a database cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Protocol

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from geopy.exc import GeopyError
from geopy.geocoders import get_geocoder_for_service

from places.gazetteer import get_gazetteer
from places.models import GeocodeCache
from places.text import normalize_name

GEOCODE_MISS_TTL = timedelta(days=1)
MAX_QUERY_LENGTH = 200


class PlaceNotFound(ValidationError):
    """The name matches no known place."""


class GeocoderUnavailable(Exception):
    """The network geocoder could not be reached or failed."""


@dataclass(frozen=True)
class ResolvedPlace:
    name: str
    latitude: float
    longitude: float
    source: str
    region: str = ""

    @property
    def point(self) -> Point:
        return Point(self.longitude, self.latitude, srid=4326)


class Geocoder(Protocol):
    provider: str

    def geocode(self, query: str) -> ResolvedPlace | None:
        """The place for a query, None when there is none; raises GeocoderUnavailable."""
        ...


class GazetteerGeocoder:
    provider = "gazetteer"

    def geocode(self, query: str) -> ResolvedPlace | None:
        place = get_gazetteer().lookup(query)
        if place is None:
            return None
        return ResolvedPlace(
            name=place.name,
            latitude=place.latitude,
            longitude=place.longitude,
            source=self.provider,
            region=place.region,
        )


# Nominatim's address parts that name a municipality or a city district, most specific first.
# Roads, house numbers, suburbs and hamlets are never used: the name is shown on public pages,
# and a street address would give away what the public grid point hides.
PUBLIC_ADDRESS_PARTS = ("city_district", "city", "town", "village", "municipality")
# A point farther than this from every gazetteer place gets no name from the gazetteer.
MAX_GAZETTEER_NAMING_KM = 15


def public_place_name(address: Mapping[str, str] | None, latitude: float, longitude: float):
    """The municipality or city district a geocoded point lies in, never a street address:
    from the provider's address parts (Nominatim's ``addressdetails``), else the nearest
    gazetteer place; None when neither knows."""
    for part in PUBLIC_ADDRESS_PARTS:
        name = (address or {}).get(part, "").strip()
        if name:
            return name
    nearest = get_gazetteer().nearest(latitude, longitude)
    if nearest is not None and nearest[1] <= MAX_GAZETTEER_NAMING_KM:
        return nearest[0].name
    return None


class GeopyGeocoder:
    """Any geopy provider ("nominatim", "photon", "here"...) with its options from settings.

    A place is named by its municipality or city district only (``public_place_name``): the
    name becomes the post's public ``place_name``."""

    def __init__(self, provider: str, **options: object) -> None:
        self.provider = provider
        self.country_codes = options.pop("country_codes", None)
        options = {key: value for key, value in options.items() if value not in ("", None)}
        self._geocoder = get_geocoder_for_service(provider)(**options)

    def geocode(self, query: str) -> ResolvedPlace | None:
        extra: dict[str, object] = (
            {"country_codes": self.country_codes} if self.country_codes else {}
        )
        if self.provider == "nominatim":
            extra["addressdetails"] = True
        try:
            location = self._geocoder.geocode(query, exactly_one=True, **extra)
        except GeopyError as error:
            raise GeocoderUnavailable(str(error)) from error
        if location is None:
            return None
        raw = location.raw if isinstance(location.raw, Mapping) else {}
        address = raw.get("address") if isinstance(raw.get("address"), Mapping) else None
        name = public_place_name(address, location.latitude, location.longitude)
        if name is None:
            return None  # a point we cannot name safely is as good as not found
        return ResolvedPlace(
            name=name,
            latitude=location.latitude,
            longitude=location.longitude,
            source=self.provider,
        )


@cache
def network_geocoder() -> Geocoder | None:
    provider = settings.POMOC_GEOCODER
    if provider == "gazetteer":
        return None
    return GeopyGeocoder(provider, **dict(settings.POMOC_GEOCODER_OPTIONS))


def geocode_cached(geocoder: Geocoder, query: str) -> ResolvedPlace | None:
    """Ask a network geocoder, remembering both answers and misses in the database."""
    key = normalize_name(query)
    entry = GeocodeCache.objects.filter(provider=geocoder.provider, query_key=key).first()
    if entry is not None and (entry.found or timezone.now() - entry.created_at < GEOCODE_MISS_TTL):
        if not entry.found:
            return None
        return ResolvedPlace(
            name=entry.display_name,
            latitude=entry.location.y,
            longitude=entry.location.x,
            source=geocoder.provider,
        )
    result = geocoder.geocode(query)
    defaults = {
        "query": query[:255],
        "found": result is not None,
        "display_name": result.name[:500] if result else "",
        "location": result.point if result else None,
        "created_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            GeocodeCache.objects.update_or_create(
                provider=geocoder.provider, query_key=key, defaults=defaults
            )
    except IntegrityError:
        pass  # another request cached the same query a moment ago; its answer is as good
    return result


def place_resolve(query: str, *, geocoder: Geocoder | None = None) -> ResolvedPlace:
    """The point for a place name typed by a person, or a ValidationError saying why not."""
    query = (query or "").strip()
    if not query:
        raise ValidationError(_("Enter a place name."), code="required")
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(
            _("A place name can have at most %(limit)d characters."),
            code="max_length",
            params={"limit": MAX_QUERY_LENGTH},
        )
    found = GazetteerGeocoder().geocode(query)
    if found is not None:
        return found
    remote = geocoder if geocoder is not None else network_geocoder()
    if remote is not None:
        try:
            found = geocode_cached(remote, query)
        except GeocoderUnavailable as error:
            raise ValidationError(
                _(
                    "The place %(name)s is not in our list and the map service is unavailable; "
                    "try the name of the nearest town."
                ),
                code="geocoder_unavailable",
                params={"name": query},
            ) from error
        if found is not None:
            return found
    raise PlaceNotFound(
        _("No place called %(name)s was found. Check the spelling or try the nearest town."),
        code="unknown_place",
        params={"name": query},
    )
