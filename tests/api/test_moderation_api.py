"""/api/v1/reports/ and /api/v1/moderation/: reporting, and coordinators' moderation of posts
within their scope."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope
from moderation.models import PostModeration, Report, ReportStatus
from moderation.services import post_hide
from notifications.models import Notification
from offers.models import Offer
from tests import factories

pytestmark = pytest.mark.django_db

PRAHA_REGION = "Hlavní město Praha"
JMK = "Jihomoravský kraj"


@pytest.fixture(autouse=True)
def _matching_on_save_off(settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"


def _scoped(region: str):
    user = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, region=region)
    return user


def test_a_user_reports_a_post_and_a_coordinator_in_scope_handles_it(client_for, volunteer):
    offer = factories.OfferFactory(region=PRAHA_REGION)
    created = client_for(volunteer).post(
        "/api/v1/reports/", {"kind": "offer", "post": offer.pk, "reason": "spam"}
    )
    assert created.status_code == 201
    report_id = created.json()["id"]

    # Another region's coordinator sees nothing of it and cannot handle it.
    brno = client_for(_scoped(JMK))
    assert brno.get("/api/v1/reports/").json()["results"] == []
    assert (
        brno.post(f"/api/v1/reports/{report_id}/handle/", {"status": "dismissed"}).status_code
        == 404
    )

    praha = client_for(_scoped(PRAHA_REGION))
    assert [row["id"] for row in praha.get("/api/v1/reports/").json()["results"]] == [report_id]
    handled = praha.post(f"/api/v1/reports/{report_id}/handle/", {"status": "dismissed"})
    assert handled.status_code == 200 and handled.json() == {"closed": 1}
    assert Report.objects.get(pk=report_id).status == ReportStatus.DISMISSED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "thing", "post": 1, "reason": "spam"}, "kind"),
        ({"kind": "offer", "reason": "spam"}, "post"),
        ({"kind": "offer", "post": 1, "reason": "boring"}, "reason"),
        ({"kind": "offer", "post": 10**12, "reason": "spam"}, "post"),
        ({"kind": "offer", "post": "OWN", "reason": "other"}, "comment"),
        ({"kind": "offer", "post": "OWN", "reason": "spam", "reasn": "x"}, "reasn"),
    ],
)
def test_report_bad_input_names_the_field(client_for, volunteer, body, field):
    offer = factories.OfferFactory()
    if body.get("post") == "OWN":
        body = {**body, "post": offer.pk}
    response = client_for(volunteer).post("/api/v1/reports/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_reporting_a_post_one_cannot_see_is_refused(client_for, volunteer):
    draft = factories.NeedFactory(status="draft")
    response = client_for(volunteer).post(
        "/api/v1/reports/", {"kind": "need", "post": draft.pk, "reason": "spam"}
    )
    assert response.status_code == 400 and "post" in response.json()


def test_report_list_is_for_coordinators(client_for, volunteer):
    assert client_for(volunteer).get("/api/v1/reports/").status_code == 403


def test_moderation_list_is_scoped_and_filtered(client_for):
    mine = factories.OfferFactory(region=PRAHA_REGION, title="Praha offer")
    factories.OfferFactory(region=JMK, title="Brno offer")
    api = client_for(_scoped(PRAHA_REGION))
    rows = api.get("/api/v1/moderation/posts/", {"kind": "offer"}).json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    bad = api.get("/api/v1/moderation/posts/", {"state": "gone"})
    assert bad.status_code == 400 and "state" in bad.json()


def test_bulk_hide_through_the_api_records_history_and_tells_owners(client_for):
    coordinator = _scoped(PRAHA_REGION)
    posts = factories.OfferFactory.create_batch(2, region=PRAHA_REGION)
    api = client_for(coordinator)

    missing_reason = api.post(
        "/api/v1/moderation/posts/bulk/",
        {"kind": "offer", "posts": [p.pk for p in posts], "action": "hide"},
        format="json",
    )
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()

    done = api.post(
        "/api/v1/moderation/posts/bulk/",
        {"kind": "offer", "posts": [p.pk for p in posts], "action": "hide", "reason": "Scam"},
        format="json",
    )
    assert done.status_code == 200 and done.json() == {"changed": 2}
    assert Offer.objects.filter(hidden_at__isnull=False).count() == 2
    assert Notification.objects.filter(kind="post_hidden").count() == 2

    history = api.get(f"/api/v1/moderation/offer/{posts[0].pk}/").json()
    assert history["post"]["hidden"] is True
    assert [(row["action"], row["reason"], row["actor"]) for row in history["history"]] == [
        ("hide", "Scam", coordinator.email)
    ]


def test_bulk_out_of_scope_is_refused_whole(client_for):
    api = client_for(_scoped(PRAHA_REGION))
    mine = factories.OfferFactory(region=PRAHA_REGION)
    theirs = factories.OfferFactory(region=JMK)
    response = api.post(
        "/api/v1/moderation/posts/bulk/",
        {"kind": "offer", "posts": [mine.pk, theirs.pk], "action": "hide", "reason": "Spam"},
        format="json",
    )
    assert response.status_code == 400 and "posts" in response.json()
    assert not PostModeration.objects.exists()


def test_single_actions_and_scope(client_for, coordinator):
    need = factories.NeedFactory(region=JMK)
    assert (
        client_for(_scoped(PRAHA_REGION))
        .post(f"/api/v1/moderation/need/{need.pk}/hide/", {"reason": "x"})
        .status_code
        == 404
    )
    assert (
        client_for(_scoped(PRAHA_REGION)).get(f"/api/v1/moderation/need/{need.pk}/").status_code
        == 404
    )
    api = client_for(coordinator)
    assert api.post(f"/api/v1/moderation/need/{need.pk}/explode/", {}).status_code == 404
    hidden = api.post(f"/api/v1/moderation/need/{need.pk}/hide/", {"reason": "Fake"})
    assert hidden.status_code == 200 and hidden.json()["post"]["hidden_reason"] == "Fake"
    shown = api.post(f"/api/v1/moderation/need/{need.pk}/unhide/", {"reason": "Checked"})
    assert shown.json()["post"]["hidden"] is False
    assert [row["action"] for row in shown.json()["history"]] == ["hide", "show"]


def test_block_needs_a_reason(client_for, coordinator):
    need = factories.NeedFactory()
    response = client_for(coordinator).post(f"/api/v1/moderation/need/{need.pk}/block/", {})
    assert response.status_code == 400 and "reason" in response.json()


def test_volunteers_get_403_on_moderation(client_for, volunteer, coordinator):
    offer = factories.OfferFactory()
    post_hide(offer, actor=coordinator, reason="Spam")
    api = client_for(volunteer)
    assert api.get("/api/v1/moderation/posts/").status_code == 403
    assert api.post(f"/api/v1/moderation/offer/{offer.pk}/unhide/", {}).status_code == 403


def test_moderation_list_query_count_does_not_grow_with_posts(
    client_for, coordinator, django_assert_max_num_queries
):
    for _ in range(6):
        post_hide(factories.OfferFactory(), actor=coordinator, reason="Spam")
    api = client_for(coordinator)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/moderation/posts/", {"kind": "offer"})
    assert response.json()["count"] == 6
