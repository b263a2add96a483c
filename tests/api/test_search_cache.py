"""Anonymous search answers from the shared cache (posts/api/search_cache.py): kept for
``POMOC_SEARCH_CACHE_SECONDS``, never for or from anyone signed in."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from moderation.services import post_hide
from offers.services import offer_set_status
from pomoc import cache as pomoc_cache
from tests import factories

EXACT = Point(14.437812, 50.081234, srid=4326)
SEARCH = "/api/v1/offers/?place=Praha&radius_km=25"
GEOJSON = "/api/v1/offers/geojson/?place=Praha&radius_km=25"


@pytest.fixture(autouse=True)
def _cache_on(db, settings):
    settings.POMOC_SEARCH_CACHE_SECONDS = 30


def _titles(client, url: str = SEARCH, **headers) -> list[str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en", **headers)
    assert response.status_code == 200
    body = response.json()
    items = body["results"] if "results" in body else body["features"]
    return [item["title"] if "title" in item else item["properties"]["title"] for item in items]


def _later(seconds: int):
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


@pytest.mark.parametrize("url", [SEARCH, GEOJSON])
def test_an_anonymous_search_is_answered_from_the_cache_until_it_expires(
    api, django_assert_num_queries, url
):
    factories.OfferFactory(title="coats")
    assert _titles(api, url) == ["coats"]
    factories.OfferFactory(title="boots")

    with django_assert_num_queries(0):
        assert _titles(api, url) == ["coats"]
    with _later(31):
        assert sorted(_titles(api, url)) == ["boots", "coats"]


def test_a_closed_or_hidden_post_leaves_anonymous_answers_within_the_lifetime(
    api, volunteer, coordinator
):
    closed = factories.OfferFactory(title="closed", owner=volunteer)
    hidden = factories.OfferFactory(title="hidden")
    factories.OfferFactory(title="kept")
    assert sorted(_titles(api)) == ["closed", "hidden", "kept"]

    offer_set_status(closed, actor=volunteer, status="withdrawn")
    post_hide(hidden, actor=coordinator, reason="spam")

    # Its own page at once; the lists within the lifetime.
    assert api.get(f"/api/v1/offers/{hidden.pk}/").status_code == 404
    with _later(31):
        assert _titles(api) == ["kept"]


def test_a_signed_in_answer_is_never_kept_for_anonymous_nor_served_from_theirs(api, client_for):
    owner = factories.UserFactory()
    factories.OfferFactory(owner=owner, location=EXACT, title="mine")
    own = client_for(owner)

    # Given the owner's search first: exact point, can edit.
    mine = own.get(SEARCH).json()["results"][0]
    assert (mine["latitude"], mine["can_edit"]) == (EXACT.y, True)
    # Then an anonymous one: rounded, from the database, not the owner's answer.
    public = api.get(SEARCH, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    assert (public["latitude"], public["can_edit"]) == (50.08, False)
    # And the owner again: not the anonymous answer now in the cache.
    mine = own.get(SEARCH).json()["results"][0]
    assert (mine["latitude"], mine["can_edit"]) == (EXACT.y, True)


def test_sensitive_posts_seen_by_staff_never_reach_an_anonymous_answer(
    api, client_for, verified_staff
):
    factories.OfferFactory(title="shelter", category=factories.category("accommodation-long"))
    factories.OfferFactory(title="coats")

    assert sorted(_titles(client_for(verified_staff))) == ["coats", "shelter"]
    assert _titles(api) == ["coats"]
    assert sorted(_titles(client_for(verified_staff))) == ["coats", "shelter"]


def test_the_answer_is_kept_per_language(api):
    factories.OfferFactory(title="coats", category=factories.category("clothes"))

    english = api.get(SEARCH, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    czech = api.get(SEARCH, HTTP_ACCEPT_LANGUAGE="cs").json()["results"][0]

    assert english["category_name"] != czech["category_name"]


def test_the_cache_is_off_when_its_lifetime_is_zero(api, settings):
    settings.POMOC_SEARCH_CACHE_SECONDS = 0
    factories.OfferFactory(title="coats")
    assert _titles(api) == ["coats"]
    factories.OfferFactory(title="boots")

    assert sorted(_titles(api)) == ["boots", "coats"]


def test_stored_answers_now_and_then_clear_the_database_caches_expired_rows(
    api, settings, monkeypatch
):
    monkeypatch.setattr(pomoc_cache, "CULL_CHECK_EVERY", 1)
    factories.OfferFactory(title="coats")
    database_cache = {
        "default": {
            "BACKEND": "pomoc.cache.DatabaseCache",
            "LOCATION": settings.POMOC_CACHE_TABLE,
        }
    }
    # Inside the test, so the fixtures' teardown finds the per-process cache again.
    with override_settings(CACHES=database_cache):
        caches["default"].set("expiring", "x", 1)
        with _later(5):
            assert _titles(api) == ["coats"]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT cache_key FROM {settings.POMOC_CACHE_TABLE}")
            keys = [key for (key,) in cursor.fetchall()]
        caches["default"].clear()

    assert ":1:expiring" not in keys
    assert any(key.startswith(":1:post-search:") for key in keys)
