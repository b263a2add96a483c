"""The coordinators' moderation queue: what waits in it, the actions, and who may use them."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress

from moderation.models import Report, ReportStatus
from moderation.services import report_create
from tests import factories
from tests.moderation.conftest import TWINS

pytestmark = pytest.mark.django_db

QUEUE = "/en/coordination/moderation/"


def action_url(kind: str, pk: int, action: str) -> str:
    return f"{QUEUE}{kind}/{pk}/{action}/"


def test_new_posts_by_unverified_people_wait_until_reviewed(client, coordinator):
    unverified = factories.OfferFactory(title="From a new account")
    confirmed = factories.UserFactory()
    EmailAddress.objects.create(user=confirmed, email=confirmed.email, verified=True)
    factories.OfferFactory(owner=confirmed, title="From a confirmed email")
    staff = factories.MembershipFactory(organisation__verified=True).user
    factories.NeedFactory(owner=staff, title="From a verified organisation")
    unverified_member = factories.MembershipFactory(organisation__verified=False).user
    need = factories.NeedFactory(owner=unverified_member, title="From an unverified organisation")
    client.force_login(coordinator)

    page = client.get(QUEUE).content.decode()

    assert "From a new account" in page
    assert "From an unverified organisation" in page
    assert "From a confirmed email" not in page
    assert "From a verified organisation" not in page

    response = client.post(action_url("offer", unverified.pk, "reviewed"))
    assert response.status_code == 302 and response.url == QUEUE
    client.post(action_url("need", need.pk, "reviewed"))
    page = client.get(QUEUE).content.decode()
    assert "From a new account" not in page
    assert "From an unverified organisation" not in page
    unverified.refresh_from_db()
    assert unverified.reviewed_by == coordinator and unverified.reviewed_at is not None


@pytest.mark.parametrize(("kind", "factory"), TWINS)
def test_coordinator_hides_a_reported_post_from_the_queue(
    client, coordinator, volunteer, kind, factory
):
    post = factory(title="Flagged by a neighbour")
    report_create(reporter=volunteer, post=post, reason="abusive", comment="Threatening")
    client.force_login(coordinator)

    response = client.post(action_url(kind, post.pk, "hide"), {"reason": "Threats"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.hidden_by, post.hidden_reason) == (coordinator, "Threats")
    assert Report.objects.get().status == ReportStatus.RESOLVED
    assert "Flagged by a neighbour" not in client.get(QUEUE).content.decode()
    client.logout()
    assert client.get(f"/en/{kind}s/{post.pk}/").status_code == 404


def test_coordinator_dismisses_reports_and_the_post_stays(client, coordinator, volunteer):
    need = factories.NeedFactory(title="Honest need")
    report_create(reporter=volunteer, post=need, reason="spam")
    client.force_login(coordinator)

    client.post(action_url("need", need.pk, "dismiss"))

    report = Report.objects.get()
    assert (report.status, report.handled_by) == (ReportStatus.DISMISSED, coordinator)
    need.refresh_from_db()
    assert need.hidden_at is None
    assert "Honest need" not in client.get(QUEUE).content.decode().split("unreviewed-heading")[0]


def test_coordinator_blocks_the_owner_from_the_queue(client, coordinator, volunteer):
    offer = factories.OfferFactory()
    client.force_login(coordinator)

    missing_reason = client.post(action_url("offer", offer.pk, "block"), {"reason": ""})
    follow = client.get(QUEUE)
    assert missing_reason.status_code == 302
    assert "Say why this user is blocked." in follow.content.decode()
    client.post(action_url("offer", offer.pk, "block"), {"reason": "Scam"})

    offer.owner.refresh_from_db()
    offer.refresh_from_db()
    assert offer.owner.is_active is False
    assert offer.hidden_at is not None


def test_non_coordinators_get_403_on_the_queue_the_dashboard_and_every_action(
    client, volunteer, verified_staff
):
    offer = factories.OfferFactory()
    report_create(reporter=volunteer, post=offer, reason="spam")
    for user in (volunteer, verified_staff, offer.owner):
        client.force_login(user)
        assert client.get(QUEUE).status_code == 403
        assert client.get("/en/coordination/dashboard/").status_code == 403
        for action in ("hide", "unhide", "dismiss", "reviewed", "block"):
            assert (
                client.post(action_url("offer", offer.pk, action), {"reason": "x"}).status_code
                == 403
            )
    client.logout()
    assert "/accounts/login/" in client.get(QUEUE).url
    offer.refresh_from_db()
    offer.owner.refresh_from_db()
    assert offer.hidden_at is None and offer.reviewed_at is None and offer.owner.is_active
    assert Report.objects.get().status == ReportStatus.OPEN


def test_actions_need_post_and_a_known_action(client, coordinator):
    offer = factories.OfferFactory()
    client.force_login(coordinator)
    assert client.get(action_url("offer", offer.pk, "hide")).status_code == 405
    assert client.post(action_url("offer", offer.pk, "explode")).status_code == 404
    assert client.post(action_url("thing", offer.pk, "hide")).status_code == 404


def test_queue_runs_a_fixed_number_of_queries(
    client, coordinator, volunteer, django_assert_num_queries, settings
):
    # One volunteer files 14 reports here; the report limit is not what this test is about.
    settings.POMOC_REPORT_RATE_LIMIT = 100

    def scene(count: int) -> None:
        for _ in range(count):
            offer = factories.OfferFactory()
            need = factories.NeedFactory()
            report_create(reporter=volunteer, post=offer, reason="spam")
            report_create(reporter=factories.UserFactory(), post=offer, reason="abusive")
            report_create(reporter=volunteer, post=need, reason="other", comment="odd")

    client.force_login(coordinator)
    scene(2)
    # Session, user; open reports with their posts; unreviewed offers; unreviewed needs; open
    # concerns.
    # Two of these are the navigation's check for the match-queue link (scope, membership).
    with django_assert_num_queries(8):
        small = client.get(QUEUE)
    scene(5)
    # Two of these are the navigation's check for the match-queue link (scope, membership).
    with django_assert_num_queries(8):
        large = client.get(QUEUE)
    assert len(small.context["reported"]) == 4
    assert len(large.context["reported"]) == 14


def test_coordinator_shows_a_hidden_post_again_from_its_page(client, coordinator):
    offer = factories.OfferFactory(title="Wrongly hidden")
    client.force_login(coordinator)
    client.post(action_url("offer", offer.pk, "hide"), {"reason": "Looked like spam"})

    page = client.get(f"/en/offers/{offer.pk}/").content.decode()
    assert "Looked like spam" in page and "Show this post again" in page
    response = client.post(action_url("offer", offer.pk, "unhide"))

    assert response.status_code == 302
    client.logout()
    assert client.get(f"/en/offers/{offer.pk}/").status_code == 200
