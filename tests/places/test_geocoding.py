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

KNOWN = {"vaclavske namesti 1 praha": ("Václavské náměstí 1, Praha", 50.0813, 14.4283)}


class FakeNominatim(BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        text = query.get("q", [""])[0]
        type(self).requests.append(text)
        hit = KNOWN.get(normalize_name(text))
        body = (
            []
            if hit is None
            else [{"display_name": hit[0], "lat": str(hit[1]), "lon": str(hit[2])}]
        )
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

    assert first.name == "Václavské náměstí 1, Praha"
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
