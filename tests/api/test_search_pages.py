"""Pages of the offer and need searches (posts/pagination.py): nearest first through the index
with the same order as a full sort, counts capped above ``SEARCH_COUNT_CAP``, and paging that
reaches the end whatever the count says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from posts import pagination
from tests import factories
from tests.factories import PRAHA

KLADNO = Point(14.1030, 50.1473, srid=4326)  # ~24 km from Prague
ROZTOKY = Point(14.39766, 50.15843, srid=4326)  # ~8 km


def _offer(title: str, location: Point, minutes_ago: int, **fields):
    offer = factories.OfferFactory(title=title, location=location, **fields)
    # Posts of one cell are ordered newest first; fixing their ages makes that order known.
    type(offer).objects.filter(pk=offer.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )
    return offer


@pytest.fixture
def offers_in_cells(db):
    """Seven offers in three public cells around Prague: four in Prague's own cell."""
    for minutes, title in enumerate(["praha a", "praha b", "praha c", "praha d"]):
        _offer(title, PRAHA, minutes)
    _offer("roztoky a", ROZTOKY, 5)
    _offer("roztoky b", ROZTOKY, 1)
    _offer("kladno", KLADNO, 0)


def _pages(api, url: str) -> list[dict]:
    pages = []
    while url:
        response = api.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200, response.content
        pages.append(response.json())
        url = pages[-1]["next"]
    return pages


@pytest.mark.parametrize("page_size", [1, 2, 3, 5, 100])
def test_nearest_first_pages_follow_distance_then_age_even_when_a_cell_spans_two_pages(
    api, offers_in_cells, page_size
):
    pages = _pages(api, f"/api/v1/offers/?place=Praha&radius_km=50&page_size={page_size}")

    titles = [offer["title"] for page in pages for offer in page["results"]]
    assert titles == [
        "praha a",
        "praha b",
        "praha c",
        "praha d",
        "roztoky b",
        "roztoky a",
        "kladno",
    ]
    assert all(page["count"] == 7 and page["count_capped"] is False for page in pages)


def test_a_count_above_the_cap_says_more_and_paging_still_reaches_the_last_post(
    api, offers_in_cells, monkeypatch
):
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 3)

    pages = _pages(api, "/api/v1/offers/?place=Praha&radius_km=50&page_size=2")

    assert [(page["count"], page["count_capped"]) for page in pages[:3]] == [(3, True)] * 3
    # The last page knows how many there were.
    assert (pages[-1]["count"], pages[-1]["count_capped"]) == (7, False)
    assert [len(page["results"]) for page in pages] == [2, 2, 2, 1]
    assert pages[-1]["results"][0]["title"] == "kladno"


def test_a_count_at_the_cap_is_exact(api, offers_in_cells, monkeypatch):
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 7)

    body = api.get("/api/v1/offers/?place=Praha&radius_km=50&page_size=2").json()

    assert (body["count"], body["count_capped"]) == (7, False)


def test_the_geojson_count_is_capped_the_same_way(api, offers_in_cells, monkeypatch):
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 3)

    body = api.get("/api/v1/offers/geojson/?place=Praha&radius_km=50&page_size=2").json()

    assert (body["count"], body["count_capped"], len(body["features"])) == (3, True, 2)
    assert "page=2" in body["next"]


@pytest.mark.parametrize("page", ["5", "0", "-1", "abc"])
def test_a_page_past_the_end_or_not_a_number_is_404(api, offers_in_cells, page):
    response = api.get(f"/api/v1/offers/?place=Praha&radius_km=50&page_size=2&page={page}")

    assert response.status_code == 404


def test_a_sensitive_post_in_the_nearest_cell_is_neither_listed_nor_counted(api, offers_in_cells):
    _offer("shelter", PRAHA, 30, category=factories.category("accommodation-short"))

    pages = _pages(api, "/api/v1/offers/?place=Praha&radius_km=50&page_size=2")

    titles = [offer["title"] for page in pages for offer in page["results"]]
    assert "shelter" not in titles and len(titles) == 7
    assert pages[0]["count"] == 7


def test_a_full_page_adds_one_capped_count_and_no_more(
    api, offers_in_cells, django_assert_num_queries
):
    # Planner settings, the page (one row more than it shows), the capped count.
    with django_assert_num_queries(3):
        api.get("/api/v1/offers/?place=Praha&radius_km=50&page_size=2")
    # The last page needs no count.
    with django_assert_num_queries(2):
        api.get("/api/v1/offers/?place=Praha&radius_km=50&page_size=2&page=4")


def test_the_web_list_says_more_than_the_cap_and_pages_without_a_last_page(
    client, offers_in_cells, monkeypatch
):
    monkeypatch.setattr(pagination, "SEARCH_COUNT_CAP", 3)
    monkeypatch.setattr("posts.views.PAGE_SIZE", 2)

    first = client.get("/en/offers/?place=Praha&radius_km=50&sort=distance").content.decode()
    last = client.get("/en/offers/?place=Praha&radius_km=50&sort=distance&page=4")

    assert "More than 3 results" in first
    assert "Page 1<" in first and "Page 1 of" not in first
    assert "page=2" in first
    assert [post.title for post in last.context["page"]] == ["kladno"]
    assert "7 results" in last.content.decode() and "Page 4 of 4" in last.content.decode()
