"""Issue 10, attack 1, the place side: a network geocoder's street address never becomes a
post's public name, a search by place name is as coarse as one by coordinates, and the form's
place check is throttled like the API."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from rest_framework.test import APIClient

from places import geocoding
from places.geocoding import GeopyGeocoder, ResolvedPlace
from tests import factories
from tests.places.test_geocoding import FakeNominatim

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nominatim_configured(monkeypatch):
    """The site's network geocoder is Nominatim (a local server speaking its protocol)."""
    FakeNominatim.requests = []
    FakeNominatim.addressdetails = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    geocoder = GeopyGeocoder(
        "nominatim",
        user_agent="pomoc-tests",
        domain=f"127.0.0.1:{server.server_port}",
        scheme="http",
        timeout=2,
    )
    monkeypatch.setattr(geocoding, "network_geocoder", lambda: geocoder)
    yield geocoder
    server.shutdown()
    server.server_close()


def test_a_geocoded_street_address_never_becomes_a_public_place_name(
    nominatim_configured, volunteer, client
):
    # Given a volunteer who types a street address as the place of their need,
    author = APIClient()
    author.force_authenticate(volunteer)
    payload = {
        "category": "clothes",
        "title": "Zimní bunda",
        "place_name": "Václavské náměstí 1, Praha",
        "languages": ["cs"],
    }
    created = author.post("/api/v1/needs/", payload, format="json")
    assert created.status_code == 201, created.content

    # then the need is named by its city district, for everyone and on every page,
    assert created.json()["place_name"] == "Praha 1"
    listing = APIClient().get("/api/v1/needs/")
    detail = client.get(f"/en/needs/{created.json()['id']}/")
    browse = client.get("/en/needs/")
    for answer in (listing, detail, browse):
        assert answer.status_code == 200
        text = answer.content.decode()
        assert "Praha 1" in text
        assert "Václavské" not in text and "Vaclavske" not in text
        assert "110 00" not in text


class StubGeocoder:
    """A network geocoder that knows two street addresses 590 m apart in one public cell."""

    provider = "stub"
    points = {"Dlouhá 5, Praha": (50.0812, 14.4163), "Krátká 9, Praha": (50.0788, 14.4236)}

    def geocode(self, query: str) -> ResolvedPlace | None:
        if query not in self.points:
            return None
        latitude, longitude = self.points[query]
        return ResolvedPlace("Praha 1", latitude, longitude, source=self.provider)


@pytest.mark.parametrize("radius_km", [1, 2])
def test_a_search_by_place_name_is_as_coarse_as_by_coordinates(monkeypatch, client, radius_km):
    # Given a need 0.9 km from one street address and 1.3 km from the other, both of which
    # the geocoder resolves to exact points in the same public cell,
    monkeypatch.setattr(geocoding, "network_geocoder", StubGeocoder)
    factories.NeedFactory(title="Bunda", location=Point(14.4163, 50.0895, srid=4326))

    # when someone searches around each address and around the cell's coordinates,
    api = APIClient()
    answers = [
        api.get("/api/v1/needs/", {"place": place, "radius_km": radius_km}).json()
        for place in StubGeocoder.points
    ]
    by_coordinates = api.get(
        "/api/v1/needs/", {"latitude": 50.08, "longitude": 14.42, "radius_km": radius_km}
    ).json()
    pages = [
        [
            (post.pk, post.distance.m)
            for post in client.get(
                "/en/needs/", {"place": place, "radius_km": radius_km, "sort": "distance"}
            ).context["page"]
        ]
        for place in StubGeocoder.points
    ]

    # then the answers are all the same: the searched point is snapped like coordinates.
    assert answers[0] == answers[1] == by_coordinates
    assert pages[0] == pages[1]
    # (the need's public point is 1.1 km from the cell's: outside 1 km, inside 2 km)
    assert by_coordinates["count"] == (radius_km == 2)


def api_rate(scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def test_place_check_is_throttled_like_the_api(client, volunteer):
    limit = api_rate("anon")
    codes = [client.get("/en/places/check/", {"q": "Plzen"}).status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit
    throttled = client.get("/en/places/check/", {"q": "Plzen"})
    assert throttled.status_code == 429
    assert throttled["Retry-After"]
    assert throttled.json()["error"]  # what the form's script shows
    # Per IP for anonymous clients: another address goes on; a signed-in user has the user rate.
    other = client.get("/en/places/check/", {"q": "Plzen"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
    client.force_login(volunteer)
    assert client.get("/en/places/check/", {"q": "Plzen"}).status_code == 200


def test_posts_named_by_a_street_address_before_are_renamed_by_their_municipality():
    # Given a need saved before the fix, named by the geocoder's full address,
    import importlib

    from django.apps import apps

    need = factories.NeedFactory(
        place_name="1, Václavské náměstí, Nové Město, Praha 1, Praha, 110 00, Česko",
        location=Point(14.4283, 50.0813, srid=4326),
    )
    gazetteer_named = factories.OfferFactory(place_name="Praha")
    # when the data migration runs,
    importlib.import_module("posts.migrations.0003_name_geocoded_places").rename(apps, None)
    # then it is named by the nearest gazetteer place; gazetteer names are left alone.
    need.refresh_from_db()
    gazetteer_named.refresh_from_db()
    assert need.place_name == "Nové Město"
    assert gazetteer_named.place_name == "Praha"
