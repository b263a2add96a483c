"""Raise a concern (issue 11, item 9): a side of an approved match tells the coordinators in
scope and the platform coordinators, confidentially; an answer is due, and a missed deadline
alerts the platform coordinators once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from accounts.models import CoordinatorScope
from matching.lifecycle import match_approve
from moderation.models import Concern
from moderation.services import concern_raise, concerns_escalate
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

REGION = "Jihomoravský kraj"


@pytest.fixture
def people(coordinator):
    """An approved match in region X, its coordinators, and one coordinator elsewhere."""
    regional = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=regional, region=REGION)
    elsewhere = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=elsewhere, region="Hlavní město Praha")
    match = factories.MatchFactory(need__region=REGION, offer__title="Room with a host")
    match = match_approve(match, actor=coordinator)
    return {
        "match": match,
        "platform": coordinator,
        "regional": regional,
        "elsewhere": elsewhere,
        "host": match.offer.owner,
        "guest": match.need.owner,
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_guest_raises_a_concern_the_right_coordinators_hear_and_the_host_does_not(people):
    match, guest, host = people["match"], people["guest"], people["host"]
    url = f"/en/matches/{match.pk}/concern/"

    response = _client(guest).post(url, {"text": "The host asked me to pay 200 EUR in cash."})

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.raised_by == guest
    told = set(
        Notification.objects.filter(kind="concern_raised").values_list("recipient", flat=True)
    )
    assert told == {people["platform"].pk, people["regional"].pk}
    # The host learns nothing: no notification, nothing on the match page.
    assert not Notification.objects.filter(recipient=host).exclude(kind="match_approved").exists()
    host_page = _client(host).get(f"/en/matches/{match.pk}/").content.decode()
    assert "200 EUR" not in host_page
    guest_page = _client(guest).get(f"/en/matches/{match.pk}/").content.decode()
    assert "200 EUR" in guest_page
    # Nor does the email to the coordinators carry the text: it stays on the site.
    assert all("200 EUR" not in n.body_text for n in Notification.objects.all())


def test_coordinators_see_it_in_scope_only_and_answer_it(people):
    match, guest = people["match"], people["guest"]
    concern = concern_raise(match=match, user=guest, text="I do not feel safe there.")

    assert (
        "I do not feel safe"
        not in _client(people["elsewhere"]).get("/en/coordination/moderation/").content.decode()
    )
    refused = _client(people["elsewhere"]).post(
        f"/en/coordination/concerns/{concern.pk}/answer/", {f"c{concern.pk}-answer": "Fine."}
    )
    assert refused.status_code == 404

    regional = _client(people["regional"])
    assert "I do not feel safe" in regional.get("/en/coordination/moderation/").content.decode()
    empty = regional.post(f"/en/coordination/concerns/{concern.pk}/answer/", {})
    assert empty.status_code == 400 and "Write an answer." in empty.content.decode()
    regional.post(
        f"/en/coordination/concerns/{concern.pk}/answer/",
        {f"c{concern.pk}-answer": "We will call you today and find another room."},
    )
    concern.refresh_from_db()
    assert concern.answered_by == people["regional"]
    assert Notification.objects.filter(recipient=guest, kind="concern_answered").exists()
    page = _client(guest).get(f"/en/matches/{match.pk}/").content.decode()
    assert "find another room" in page


def test_a_missed_deadline_alerts_the_platform_coordinators_once(people, settings):
    concern = concern_raise(match=people["match"], user=people["guest"], text="No answer?")
    before_due = concern.due_at - dt.timedelta(minutes=1)
    assert concerns_escalate(now=before_due) == 0

    later = concern.due_at + dt.timedelta(minutes=1)
    assert concerns_escalate(now=later) == 1
    assert concerns_escalate(now=later + dt.timedelta(hours=1)) == 0
    alerted = Notification.objects.filter(kind="concern_escalated")
    assert list(alerted.values_list("recipient", flat=True)) == [people["platform"].pk]
    assert concern.due_at - concern.created_at == dt.timedelta(
        hours=settings.POMOC_CONCERN_ANSWER_HOURS
    )


def test_only_a_side_of_an_approved_match_can_raise_one(people, volunteer):
    match = people["match"]
    assert _client(volunteer).get(f"/en/matches/{match.pk}/concern/").status_code == 404
    with pytest.raises(PermissionDenied):
        concern_raise(match=match, user=volunteer, text="Nosy")
    proposal = factories.MatchFactory()
    owner = _client(proposal.need.owner)
    assert owner.post(f"/en/matches/{proposal.pk}/concern/", {"text": "x"}).status_code == 404
    assert not Concern.objects.exists()


def test_an_empty_concern_is_refused_and_the_form_keeps_nothing_lost(people):
    response = _client(people["guest"]).post(
        f"/en/matches/{people['match'].pk}/concern/", {"text": "   "}
    )
    assert response.status_code == 400
    assert "Say what worries you." in response.content.decode()
    assert not Concern.objects.exists()


def test_the_escalation_runs_on_a_schedule():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="moderation: escalate overdue concerns")
    assert (schedule.func, schedule.minutes) == ("moderation.tasks.escalate_concerns", 15)


def test_the_scheduled_task_escalates_what_is_overdue(people):
    from moderation.tasks import escalate_concerns

    concern = concern_raise(match=people["match"], user=people["guest"], text="Still waiting")
    Concern.objects.filter(pk=concern.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert escalate_concerns() == 1
    assert Concern.objects.get(pk=concern.pk).escalated_at is not None
