"""The coordinators' dashboard: figures right for a hand-built scene, in a fixed number of
queries, shown as tables and charts from the project's own static files."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from matching.models import Match, MatchStatus
from moderation.services import post_hide
from needs.models import Need
from tests import factories

pytestmark = pytest.mark.django_db

DASHBOARD = "/en/coordination/dashboard/"
PRAHA = "Hlavní město Praha"
JMK = "Jihomoravský kraj"


def scene(coordinator) -> None:
    offer, need = factories.OfferFactory, factories.NeedFactory
    cat = factories.category
    # Open offers: material aid 3 (clothes, clothes, food), transport 1 (no region known).
    offer(category=cat("clothes"), region=PRAHA)
    offer(category=cat("clothes"), region=PRAHA)
    offer(category=cat("food"), region=JMK)
    offer(category=cat("transport-people"), region="")
    # Not open: paused, fulfilled, hidden.
    offer(category=cat("accommodation-short"), region=PRAHA, status="paused")
    offer(category=cat("clothes"), region=PRAHA, status="fulfilled")
    post_hide(offer(category=cat("food"), region=JMK), actor=coordinator, reason="Spam")
    # Open needs: material aid 1, accommodation 2.
    need(category=cat("clothes"), region=PRAHA)
    need(category=cat("accommodation-long"), region=JMK)
    need(category=cat("accommodation-long"), region=JMK)
    need(category=cat("food"), region=PRAHA, status="withdrawn")

    # Matches on closed posts, so the open counts above stay as they are.
    created = timezone.now() - dt.timedelta(days=30)

    def matched_need() -> Need:
        closed = need(status="fulfilled")
        Need.objects.filter(pk=closed.pk).update(created_at=created)
        return closed

    def match(target: Need, status: str, after_days: float, connected: bool = False) -> None:
        moment = created + dt.timedelta(days=after_days)
        Match.objects.create(
            offer=offer(status="fulfilled"),
            need=target,
            score=0.5,
            status=status,
            status_changed_at=moment,
            connected_at=moment if connected else None,
        )

    first, second, waiting = matched_need(), matched_need(), matched_need()
    match(first, MatchStatus.CONNECTED, 2, connected=True)  # the first connection counts...
    match(first, MatchStatus.COMPLETED, 5, connected=True)  # ...not a later one
    match(second, MatchStatus.APPROVED, 1)  # approved but nobody accepted yet: not connected
    match(second, MatchStatus.CONNECTED, 4, connected=True)
    match(waiting, MatchStatus.PROPOSED, 0)
    match(waiting, MatchStatus.WITHDRAWN, 1)
    match(second, MatchStatus.PROPOSED, 0)


def test_dashboard_figures_for_a_hand_built_scene(client, coordinator):
    scene(coordinator)
    client.force_login(coordinator)

    response = client.get(DASHBOARD)

    data = response.context["data"]
    by_category = {row.label: (row.offers, row.needs) for row in data.by_category}
    assert by_category["Material aid"] == (3, 1)
    assert by_category["Accommodation"] == (0, 2)
    assert by_category["Transport"] == (1, 0)
    assert sum(offers for offers, _ in by_category.values()) == data.open_offers == 4
    assert data.open_needs == 3
    by_region = [(row.label, row.offers, row.needs) for row in data.by_region]
    assert by_region == [(PRAHA, 2, 1), (JMK, 1, 2), ("", 1, 0)] or by_region == [
        (JMK, 1, 2),
        (PRAHA, 2, 1),
        ("", 1, 0),
    ]
    assert data.proposals_waiting == 2
    # Needs that got connected: after 2 and after 4 days; the median is 3 days.
    assert data.median_need_to_match == dt.timedelta(days=3)
    assert data.needs_matched == 2
    html = response.content.decode()
    assert '<dd id="proposals-waiting">2</dd>' in html
    assert "3.0 days" in html
    assert '<th scope="row">Unknown region</th><td>1</td><td>0</td>' in html
    assert f'<th scope="row">{PRAHA}</th><td>2</td><td>1</td>' in html
    # The chart library comes from our static files, not a CDN.
    assert "/static/vendor/chartjs/chart.umd.js" in html
    # Every script is our own (a bare "cdn" could appear in a random CSRF token).
    sources = re.findall(r'<script[^>]+src="([^"]+)"', html)
    assert sources and all(source.startswith("/static/") for source in sources)


def test_empty_dashboard_says_no_match_yet(client, coordinator):
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["data"].median_need_to_match is None
    assert "nobody connected yet" in response.content.decode()


def test_dashboard_runs_a_fixed_number_of_queries(client, coordinator, django_assert_num_queries):
    client.force_login(coordinator)
    # Session, user; offers and needs by category, the categories, offers and needs by region,
    # the median, the proposals waiting, the matches by how they ended, the follow-up answers.
    # Two of these are the navigation's check for the match-queue link (scope, membership).
    with django_assert_num_queries(13):
        client.get(DASHBOARD)
    scene(coordinator)
    # Two of these are the navigation's check for the match-queue link (scope, membership).
    with django_assert_num_queries(13):
        client.get(DASHBOARD)


def test_vendored_chart_library_is_in_static_files():
    from django.contrib.staticfiles import finders

    path = finders.find("vendor/chartjs/chart.umd.js")
    assert path is not None
    with open(path, encoding="utf-8") as handle:
        assert "Chart.js v4" in handle.read(200)


@pytest.mark.parametrize(
    ("language", "expected"),
    [("cs", ["Otevřené nabídky", "Čekající návrhy"]), ("uk", ["Відкриті запити", "Модерація"])],
)
def test_dashboard_and_queue_speak_czech_and_ukrainian(client, coordinator, language, expected):
    client.force_login(coordinator)
    html = client.get(f"/{language}/coordination/dashboard/").content.decode()
    html += client.get(f"/{language}/coordination/moderation/").content.decode()
    for text in expected:
        assert text in html


def _connected_match(region: str) -> Match:
    return factories.MatchFactory(
        need__region=region,
        status=MatchStatus.CONNECTED,
        connected_at=timezone.now() - dt.timedelta(days=15),
    )


def _figures(page: str) -> dict[str, str]:
    cells = {}
    for key in ("connected", "completed", "failed", "unanswered"):
        cells[key] = re.search(rf'id="outcome-{key}">(\d+)<', page).group(1)
    for answer in ("worked", "did_not_work", "still_going"):
        row = re.search(rf'id="outcome-{answer}">.*?<td>(\d+)</td><td>(\d+)</td>', page)
        cells[answer] = f"{row.group(1)}/{row.group(2)}"
    return cells


def test_follow_up_answers_reach_the_dashboard_within_the_coordinators_scope(client, coordinator):
    from accounts.models import CoordinatorScope
    from matching.follow_up import matches_follow_up
    from notifications.models import Notification

    prague, brno = _connected_match(PRAHA), _connected_match(JMK)
    matches_follow_up()

    def answer(match: Match, side_owner, which: int) -> None:
        # The message's links in order: worked, did not work out, still going.
        question = Notification.objects.get(
            kind="match_follow_up", recipient=side_owner, dedupe_key__contains=f":{match.pk}:"
        )
        token = re.findall(r"/matches/how-did-it-go/([^/\s]+)/", question.body_text)[which]
        assert client.post(f"/en/matches/how-did-it-go/{token}/").status_code == 200

    answer(prague, prague.offer.owner, 0)  # worked: completes it
    answer(brno, brno.need.owner, 2)  # still going
    client.force_login(coordinator)

    everything = _figures(client.get(DASHBOARD).content.decode())

    assert everything == {
        "connected": "1",
        "completed": "1",
        "failed": "0",
        "unanswered": "2",
        "worked": "1/0",
        "did_not_work": "0/0",
        "still_going": "0/1",
    }
    regional = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=regional, region=JMK)
    client.force_login(regional)

    south_moravia = _figures(client.get(DASHBOARD).content.decode())

    assert south_moravia["completed"] == "0"
    assert south_moravia["connected"] == "1"
    assert (south_moravia["worked"], south_moravia["still_going"]) == ("0/0", "0/1")
    assert south_moravia["unanswered"] == "1"
