"""The network geocoder adapter, against a local HTTP server speaking Nominatim's protocol."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.exceptions import ValidationError

from places.geocoding import GeopyGeocoder, PlaceNotFound, place_resolve
from places.models import GeocodeCache
from places.text import normalize_name

pytestmark = pytest.mark.django_db

# Nominatim's answers: display name, point and, when asked for (addressdetails=1), the
# address parts.
KNOWN = {
    "vaclavske namesti 1 praha": (
        "1, Václavské náměstí, Nové Město, Praha 1, Hlavní město Praha, Praha, 110 00, Česko",
        50.0813,
        14.4283,
        {
            "house_number": "1",
            "road": "Václavské náměstí",
            "suburb": "Nové Město",
            "city_district": "Praha 1",
            "city": "Praha",
            "postcode": "110 00",
            "country": "Česko",
        },
    ),
    "namesti 12 kolin": (
        "12, Karlovo náměstí, Kolín I, Kolín, Středočeský kraj, 280 02, Česko",
        50.0281,
        15.2006,
        {"house_number": "12", "road": "Karlovo náměstí", "town": "Kolín", "country": "Česko"},
    ),
    # No address parts at all (as from a provider that has none): named by the gazetteer.
    "u lipy 7 beroun": ("U Lípy 7, Beroun", 49.9641, 14.0719, None),
    # Far from every Czech place and without address parts: cannot be named safely.
    "rue de rivoli 1 paris": ("1, Rue de Rivoli, Paris", 48.8553, 2.3455, None),
}


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list[str] = []
    addressdetails: list[str] = []

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        text = query.get("q", [""])[0]
        type(self).requests.append(text)
        type(self).addressdetails.append(query.get("addressdetails", ["0"])[0])
        hit = KNOWN.get(normalize_name(text))
        body = []
        if hit is not None:
            body = [{"display_name": hit[0], "lat": str(hit[1]), "lon": str(hit[2])}]
            if hit[3] is not None and query.get("addressdetails") == ["1"]:
                body[0]["address"] = hit[3]
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def nominatim():
    FakeNominatim.requests = []
    FakeNominatim.addressdetails = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    geocoder = GeopyGeocoder(
        "nominatim",
        user_agent="pomoc-tests",
        domain=f"127.0.0.1:{server.server_port}",
        scheme="http",
        timeout=2,
    )
    yield geocoder
    server.shutdown()
    server.server_close()


def test_network_answer_is_cached_and_asked_once(nominatim):
    first = place_resolve("Václavské náměstí 1, Praha", geocoder=nominatim)
    second = place_resolve("václavské  náměstí 1,  PRAHA", geocoder=nominatim)

    assert first.name == "Praha 1"
    assert (first.point.y, first.point.x) == pytest.approx((50.0813, 14.4283))
    assert second == first
    assert len(FakeNominatim.requests) == 1
    entry = GeocodeCache.objects.get()
    assert (entry.provider, entry.found) == ("nominatim", True)


def test_a_miss_is_cached_too(nominatim):
    for _ in range(2):
        with pytest.raises(PlaceNotFound):
            place_resolve("Nonexistent street 99", geocoder=nominatim)
    assert len(FakeNominatim.requests) == 1
    assert GeocodeCache.objects.get().found is False


def test_gazetteer_names_never_reach_the_network(nominatim):
    assert place_resolve("Olomouc", geocoder=nominatim).source == "gazetteer"
    assert FakeNominatim.requests == []


def test_unreachable_geocoder_gives_a_clear_error_and_caches_nothing():
    # Nothing listens on port 9 (discard) on this machine, so the connection is refused.
    offline = GeopyGeocoder(
        "nominatim", user_agent="pomoc-tests", domain="127.0.0.1:9", scheme="http", timeout=1
    )
    with pytest.raises(ValidationError) as error:
        place_resolve("Some street 5, Kolín", geocoder=offline)
    assert error.value.code == "geocoder_unavailable"
    assert GeocodeCache.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("Václavské náměstí 1, Praha", "Praha 1"),  # the city district, not the street
        ("Náměstí 12, Kolín", "Kolín"),  # the town
        ("U Lípy 7, Beroun", "Beroun"),  # no address parts: the nearest gazetteer place
    ],
)
def test_a_street_address_is_named_by_its_municipality_or_district_only(nominatim, query, name):
    place = place_resolve(query, geocoder=nominatim)

    assert place.name == name
    assert FakeNominatim.addressdetails == ["1"]
    # and the cache keeps only that name, so a later answer from it is as coarse.
    assert GeocodeCache.objects.get().display_name == name
    assert place_resolve(query, geocoder=nominatim).name == name


def test_a_point_that_cannot_be_named_safely_is_not_found(nominatim):
    with pytest.raises(PlaceNotFound):
        place_resolve("Rue de Rivoli 1, Paris", geocoder=nominatim)
