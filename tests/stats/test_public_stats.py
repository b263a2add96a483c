"""The public statistics page and its JSON: no personal data, small counts suppressed."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from matching.models import MatchStatus
from needs.models import Need
from offers.models import Offer
from tests.factories import MatchFactory, NeedFactory, OfferFactory, UserFactory, category

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def page_url() -> str:
    with translation.override("en"):
        return reverse("public_stats")


def api(client) -> dict:
    response = client.get("/api/v1/stats/")
    assert response.status_code == 200
    return response.json()


def row(rows: list[dict], key: str, value: str) -> dict:
    return next(item for item in rows if item[key] == value)


def test_counts_by_category_suppress_small_ones_and_round_the_rest(client):
    OfferFactory.create_batch(11, category=category("work"))
    OfferFactory.create_batch(2, category=category("health"))
    NeedFactory.create_batch(3, category=category("work"))

    data = api(client)

    clothes = row(data["by_category"], "category", "work")
    assert clothes["offers"] == 10  # 11 rounded to a multiple of 5
    assert clothes["needs"] == "<5"
    assert row(data["by_category"], "category", "health")["offers"] == "<5"
    assert row(data["by_category"], "category", "childcare")["offers"] == 0


def test_the_same_figures_are_on_the_page_as_a_table_and_a_chart(client):
    OfferFactory.create_batch(2, category=category("health"))
    response = client.get(page_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content and 'class="bar bar-offers"' in content
    assert "&lt;5" in content
    # No script at all: the chart is drawn by the template.
    assert "<script" not in content.split("</header>")[1]


def test_a_suppressed_cell_cannot_be_recovered_from_any_total(client):
    # Given two worlds that differ only in suppressed cells (2 or 4 health offers; one
    # childcare need or four), when each is published, then the statistics are identical:
    # no total tells them apart (the cells they also change are rounded alike).
    published = []
    for food_offers, transport_needs in ((2, 1), (4, 4)):
        cache.clear()
        OfferFactory.create_batch(11, category=category("work"), region="Plzeňský kraj")
        OfferFactory.create_batch(food_offers, category=category("health"), region="Plzeňský kraj")
        NeedFactory.create_batch(8, category=category("work"), region="Plzeňský kraj")
        NeedFactory.create_batch(transport_needs, category=category("childcare"), region="")
        data = api(client)
        data.pop("generated_at")
        published.append(data)

        Offer.objects.all().delete()
        Need.objects.all().delete()
    assert published[0] == published[1]
    assert published[0]["totals"]["offers"] == 15  # 10 + "<5" counted as 2.5, rounded


def test_a_total_is_not_the_rounded_true_total(client):
    # Given 11 work offers and 1 or 4 health offers (true totals 12 and 15, which would
    # round to 10 and 15), when published, then the category and region tables and their
    # totals are the same in both worlds: the totals come from the published cells.
    tables = []
    for health_offers in (1, 4):
        cache.clear()
        OfferFactory.create_batch(11, category=category("work"), region="Plzeňský kraj")
        OfferFactory.create_batch(
            health_offers, category=category("health"), region="Olomoucký kraj"
        )
        data = api(client)
        tables.append(
            [data[key] for key in ("by_category", "totals", "by_region", "by_region_totals")]
        )
        Offer.objects.all().delete()
    assert tables[0] == tables[1]
    assert tables[0][1]["offers"] == 15


def test_region_and_week_tables_suppress_small_counts(client):
    OfferFactory.create_batch(3, region="Jihomoravský kraj")
    OfferFactory.create_batch(5, region="Hlavní město Praha")
    data = api(client)
    assert row(data["by_region"], "region", "Jihomoravský kraj")["offers"] == "<5"
    assert row(data["by_region"], "region", "Hlavní město Praha")["offers"] == 5
    this_week = data["by_week"][-1]
    assert this_week["offers"] == 10  # eight created this week
    assert len(data["by_week"]) == 12


def test_drafts_and_hidden_posts_are_not_counted(client):
    OfferFactory.create_batch(5, category=category("health"))
    OfferFactory(category=category("health"), status="draft")
    OfferFactory(category=category("health"), hidden_at=timezone.now())
    assert row(api(client)["by_category"], "category", "health")["offers"] == 5


def test_no_personal_data_in_the_page_or_the_json(client):
    owner = UserFactory(display_name="Olena Shevchenko", email="olena@private.example")
    for number in range(6):
        need = NeedFactory(owner=owner, title=f"Secret need title {number}", place_name="Kyjov")
        MatchFactory(need=need, status=MatchStatus.CONNECTED, connected_at=timezone.now())
    page = client.get(page_url()).content.decode()
    payload = json.dumps(api(client), ensure_ascii=False)
    for text in (page, payload):
        for personal in ("Olena", "olena@private.example", "Secret need", "Kyjov", "+420"):
            assert personal not in text
    assert '"id"' not in payload and "owner" not in payload


def test_time_to_connection_needs_five_connected_needs(client):
    now = timezone.now()
    for days in (1, 2, 3, 4):
        need = NeedFactory()
        type(need).objects.filter(pk=need.pk).update(created_at=now - dt.timedelta(days=days))
        MatchFactory(need=need, status=MatchStatus.CONNECTED, connected_at=now)
    timing = api(client)["time_to_connection"]
    assert timing == {"needs_connected": "<5", "median_days": None, "p75_days": None}

    cache.clear()
    need = NeedFactory()
    type(need).objects.filter(pk=need.pk).update(created_at=now - dt.timedelta(days=5))
    MatchFactory(need=need, status=MatchStatus.CONNECTED, connected_at=now)
    timing = api(client)["time_to_connection"]
    assert timing["needs_connected"] == 5
    assert timing["median_days"] == pytest.approx(3.0, abs=0.1)
    assert timing["p75_days"] == pytest.approx(4.0, abs=0.1)


def test_match_outcomes_are_counted_and_suppressed(client):
    for _ in range(6):
        MatchFactory(status=MatchStatus.COMPLETED)
    MatchFactory(status=MatchStatus.FAILED)
    outcomes = api(client)["match_outcomes"]
    assert row(outcomes, "status", "completed")["matches"] == 5
    assert row(outcomes, "status", "failed")["matches"] == "<5"
    assert row(outcomes, "status", "rejected")["matches"] == 0


def test_the_statistics_are_cached_for_a_few_minutes(client, settings):
    settings.POMOC_STATS_CACHE_SECONDS = 300
    OfferFactory.create_batch(5, category=category("health"))
    assert row(api(client)["by_category"], "category", "health")["offers"] == 5
    OfferFactory.create_batch(5, category=category("health"))
    # Still the cached figure: the counting ran once.
    assert row(api(client)["by_category"], "category", "health")["offers"] == 5
    cache.clear()
    assert row(api(client)["by_category"], "category", "health")["offers"] == 10
