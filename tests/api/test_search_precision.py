"""Searches cannot be used to find a post's exact point: they are as coarse as the coordinates
the API shows (about 1 km)."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

# A post 2.3 km due north of the search point (0.0207° of latitude ≈ 2.3 km).
SEARCH = (50.08, 14.42)
POST = Point(14.42, 50.08 + 0.0207, srid=4326)


def found(api, latitude, longitude, radius_km) -> bool:
    response = api.get(
        "/api/v1/offers/", {"latitude": latitude, "longitude": longitude, "radius_km": radius_km}
    )
    assert response.status_code == 200
    return response.json()["count"] == 1


def test_radius_is_counted_in_whole_kilometres(api):
    OfferFactory(location=POST)
    # 2.1 km and 2.9 km answer alike: bisecting the radius cannot pin the post below 1 km,
    assert found(api, *SEARCH, 2.1) == found(api, *SEARCH, 2.9) is True
    # while whole kilometres still work as expected.
    assert found(api, *SEARCH, 2) is False


def test_search_point_is_snapped_to_about_a_kilometre(api):
    OfferFactory(location=POST)
    # Moving the search point by ~300 m answers exactly as the snapped point does.
    assert found(api, 50.0826, 14.4226, 2) == found(api, *SEARCH, 2) is False
    assert found(api, 50.0774, 14.4174, 3) == found(api, *SEARCH, 3) is True
