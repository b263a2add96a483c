"""Matches stop when a coordinator hides a post or blocks a person, redirects stay on the site,
and a garbled answer is never taken as a final decline."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.lifecycle import match_approve, match_respond
from matching.models import Match, MatchStatus
from moderation.services import post_hide, user_block
from needs.models import Need
from notifications.models import Notification
from tests.factories import PRAHA

pytestmark = pytest.mark.django_db


def test_blocking_a_person_stops_their_approved_match_before_contacts_are_shared(
    proposal, platform_coordinator
):
    match = match_approve(proposal, actor=platform_coordinator)
    match_respond(match, actor=match.offer.owner, accept=True)

    # The coordinator blocks the offer's owner before the other side answers.
    user_block(actor=platform_coordinator, user=match.offer.owner, reason="asked for money")

    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        match_respond(match, actor=match.need.owner, accept=True)
    assert not Notification.objects.filter(kind="match_connected").exists()


def test_a_hidden_post_cannot_be_approved(proposal, platform_coordinator):
    post_hide(proposal.need, actor=platform_coordinator, reason="spam")
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        match_approve(proposal, actor=platform_coordinator)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "match_detail"])
def test_queue_actions_never_redirect_off_site_or_fail(
    client, proposal, platform_coordinator, target
):
    client.force_login(platform_coordinator)
    response = client.post(reverse("match_approve", args=[proposal.pk]), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("match_queue")


def test_queue_actions_return_to_the_filtered_queue(client, proposal, platform_coordinator):
    client.force_login(platform_coordinator)
    back = reverse("match_queue") + "?urgency=2&page=2"
    response = client.post(reverse("match_approve", args=[proposal.pk]), {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize("answer", [None, "", "acept", "DECLINE"])
def test_a_garbled_answer_is_not_a_decline(client, proposal, platform_coordinator, answer):
    match = match_approve(proposal, actor=platform_coordinator)
    client.force_login(match.need.owner)
    data = {} if answer is None else {"answer": answer}
    response = client.post(reverse("match_respond", args=[match.pk]), data, follow=True)
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.need_response == "pending"


def test_parties_see_the_distance_in_whole_kilometres(client, proposal, platform_coordinator):
    # The need about 2.46 km north of the offer; the parties see whole km between public points.
    Need.objects.filter(pk=proposal.need_id).update(
        location=Point(PRAHA.x, PRAHA.y + 0.0221, srid=4326)
    )
    proposal.explanation = {**proposal.explanation, "distance_km": 2.46}
    proposal.save()
    match = match_approve(Match.objects.get(pk=proposal.pk), actor=platform_coordinator)
    client.force_login(match.need.owner)
    page = client.get(reverse("match_detail", args=[match.pk])).content.decode()
    assert "2.46" not in page and "2.5 km" not in page
    assert "2 km" in page
