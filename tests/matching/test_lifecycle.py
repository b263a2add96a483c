from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from matching import lifecycle
from matching.models import Match, MatchStatus, MatchTransition, Response
from needs.models import Need
from notifications.models import Notification
from offers.models import Offer
from posts.models import PostStatus
from tests.factories import MatchFactory, NeedFactory, OfferFactory, UserFactory


def _connect(match: Match) -> Match:
    lifecycle.match_respond(match, actor=match.offer.owner, accept=True)
    return lifecycle.match_respond(match, actor=match.need.owner, accept=True)


def _contacts(match: Match) -> list[str]:
    return [
        match.offer.owner.email,
        str(match.offer.owner.phone),
        match.need.owner.email,
        str(match.need.owner.phone),
    ]


def _leaked(match: Match, notification: Notification) -> list[str]:
    """The other side's contacts that appear in a notification."""
    me = notification.recipient
    other = match.need.owner if me == match.offer.owner else match.offer.owner
    text = notification.subject + notification.body_text + notification.body_html
    return [value for value in (other.email, str(other.phone)) if value and value in text]


def test_approve_records_who_and_asks_both_sides(proposal, platform_coordinator):
    match = lifecycle.match_approve(proposal, actor=platform_coordinator)

    assert match.status == MatchStatus.APPROVED
    assert match.decided_by == platform_coordinator
    step = MatchTransition.objects.get(match=match)
    assert (step.actor, step.from_status, step.to_status) == (
        platform_coordinator,
        MatchStatus.PROPOSED,
        MatchStatus.APPROVED,
    )
    asked = Notification.objects.filter(kind="match_approved")
    assert {n.recipient for n in asked} == {proposal.offer.owner, proposal.need.owner}
    assert all(f"/matches/{match.pk}/" in n.action_url for n in asked)
    # Not yet connected: nobody's contact is in any message.
    assert not any(_leaked(match, n) for n in asked)


def test_approval_message_is_in_the_recipients_language(proposal, platform_coordinator):
    proposal.need.owner.preferred_language = "uk"
    proposal.need.owner.save()
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    message = Notification.objects.get(kind="match_approved", recipient=proposal.need.owner)
    assert "/uk/matches/" in message.action_url
    assert message.language == "uk"
    assert "чекає на вашу відповідь" in message.subject


def test_volunteer_cannot_approve(proposal, volunteer):
    with pytest.raises(PermissionDenied):
        lifecycle.match_approve(proposal, actor=volunteer)
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED
    assert not MatchTransition.objects.exists()


def test_reject_needs_a_reason(proposal, platform_coordinator):
    with pytest.raises(ValidationError) as error:
        lifecycle.match_reject(proposal, actor=platform_coordinator, reason="  ")
    assert "reason" in error.value.message_dict
    match = lifecycle.match_reject(proposal, actor=platform_coordinator, reason="Too far apart")
    assert match.status == MatchStatus.REJECTED
    assert MatchTransition.objects.get(match=match).reason == "Too far apart"
    # The sides are not bothered with a proposal nobody approved.
    assert not Notification.objects.exists()


def test_both_accepting_connects_and_discloses_contacts(proposal, platform_coordinator):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    half = lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)
    assert half.status == MatchStatus.APPROVED
    assert half.offer_response == Response.ACCEPTED
    assert not Notification.objects.filter(kind="match_connected").exists()

    match = lifecycle.match_respond(proposal, actor=proposal.need.owner, accept=True)

    assert match.status == MatchStatus.CONNECTED
    assert match.connected_at is not None
    to_offer = Notification.objects.get(kind="match_connected", recipient=proposal.offer.owner)
    to_need = Notification.objects.get(kind="match_connected", recipient=proposal.need.owner)
    assert proposal.need.owner.email in to_offer.body_text
    assert str(proposal.need.owner.phone) in to_offer.body_html
    assert proposal.offer.owner.email in to_need.body_text
    # Every message before this one is free of the other side's contact.
    earlier = Notification.objects.exclude(kind="match_connected")
    assert earlier.exists()
    assert not any(_leaked(match, n) for n in earlier)


def test_one_decline_ends_the_match_and_tells_the_other_side(proposal, platform_coordinator):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    match = lifecycle.match_respond(proposal, actor=proposal.need.owner, accept=False)
    assert match.status == MatchStatus.DECLINED
    assert match.need_response == Response.DECLINED
    told = Notification.objects.get(kind="match_declined")
    assert told.recipient == proposal.offer.owner
    with pytest.raises(ValidationError):
        lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)


def test_organisation_staff_answer_for_the_organisations_offer(proposal, platform_coordinator):
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory()
    Offer.objects.filter(pk=proposal.offer_id).update(organisation=organisation)
    staff = MembershipFactory(organisation=organisation).user
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    match = lifecycle.match_respond(proposal, actor=staff, accept=True)
    assert match.offer_response == Response.ACCEPTED
    assert match.need_response == Response.PENDING


def test_a_stranger_cannot_answer(proposal, platform_coordinator, volunteer):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    with pytest.raises(PermissionDenied):
        lifecycle.match_respond(proposal, actor=volunteer, accept=True)


def test_cannot_answer_before_approval(proposal):
    with pytest.raises(ValidationError):
        lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)


@pytest.mark.parametrize(
    ("status", "action"),
    [
        (MatchStatus.REJECTED, "approve"),
        (MatchStatus.APPROVED, "approve"),
        (MatchStatus.CONNECTED, "reject"),
        (MatchStatus.COMPLETED, "approve"),
        (MatchStatus.EXPIRED, "approve"),
        (MatchStatus.WITHDRAWN, "reject"),
    ],
)
def test_forbidden_transitions_are_refused(proposal, platform_coordinator, status, action):
    Match.objects.filter(pk=proposal.pk).update(status=status)
    with pytest.raises(ValidationError):
        if action == "approve":
            lifecycle.match_approve(proposal, actor=platform_coordinator)
        else:
            lifecycle.match_reject(proposal, actor=platform_coordinator, reason="no")
    assert Match.objects.get(pk=proposal.pk).status == status


def test_cannot_close_before_connected(proposal, platform_coordinator):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    with pytest.raises(ValidationError):
        lifecycle.match_close(proposal, actor=proposal.offer.owner, worked=True, outcome="")


def test_completed_match_fills_the_need_and_uses_one_unit_of_capacity(platform_coordinator):
    offer = OfferFactory(capacity=3)
    needs = [NeedFactory() for _ in range(3)]
    matches = [MatchFactory(offer=offer, need=need) for need in needs]

    for number, match in enumerate(matches, start=1):
        lifecycle.match_approve(match, actor=platform_coordinator)
        _connect(match)
        lifecycle.match_close(match, actor=match.need.owner, worked=True, outcome="Moved in")
        assert Need.objects.get(pk=match.need_id).status == PostStatus.FULFILLED
        # Capacity 3: still open after one and two, fulfilled after the third.
        expected = PostStatus.FULFILLED if number == 3 else PostStatus.ACTIVE
        assert Offer.objects.get(pk=offer.pk).status == expected

    closed = Match.objects.get(pk=matches[0].pk)
    assert closed.status == MatchStatus.COMPLETED
    assert closed.outcome == "Moved in"
    assert closed.closed_at is not None
    assert Notification.objects.filter(kind="match_closed").count() == 6


def test_failed_match_needs_an_outcome_and_leaves_posts_open(proposal, platform_coordinator):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    _connect(proposal)
    with pytest.raises(ValidationError):
        lifecycle.match_close(proposal, actor=proposal.offer.owner, worked=False, outcome="")
    match = lifecycle.match_close(
        proposal, actor=proposal.offer.owner, worked=False, outcome="Never showed up"
    )
    assert match.status == MatchStatus.FAILED
    assert Need.objects.get(pk=proposal.need_id).status == PostStatus.ACTIVE
    assert Offer.objects.get(pk=proposal.offer_id).status == PostStatus.ACTIVE


def test_audit_log_records_every_step(proposal, platform_coordinator):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    _connect(proposal)
    lifecycle.match_close(proposal, actor=proposal.need.owner, worked=True, outcome="Good")
    steps = list(
        MatchTransition.objects.filter(match=proposal).values_list(
            "from_status", "to_status", "actor"
        )
    )
    assert steps == [
        ("proposed", "approved", platform_coordinator.pk),
        ("approved", "connected", proposal.need.owner.pk),
        ("connected", "completed", proposal.need.owner.pk),
    ]


def test_bulk_approve_is_all_or_nothing(platform_coordinator, volunteer):
    matches = [MatchFactory(), MatchFactory()]
    count = lifecycle.match_bulk_approve([m.pk for m in matches], actor=platform_coordinator)
    assert count == 2
    assert set(Match.objects.values_list("status", flat=True)) == {MatchStatus.APPROVED}

    more = [MatchFactory(), MatchFactory()]
    with pytest.raises(PermissionDenied):
        lifecycle.match_bulk_approve([m.pk for m in more], actor=volunteer)
    assert not Match.objects.filter(pk__in=[m.pk for m in more], status="approved").exists()


def test_bulk_approve_with_a_missing_id_approves_nothing(platform_coordinator):
    match = MatchFactory()
    with pytest.raises(ValidationError):
        lifecycle.match_bulk_approve([match.pk, 999_999], actor=platform_coordinator)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.PROPOSED


def test_manual_match_is_scored_and_approved(platform_coordinator):
    offer, need = OfferFactory(), NeedFactory()
    match = lifecycle.match_create_manual(offer=offer, need=need, actor=platform_coordinator)
    assert match.status == MatchStatus.APPROVED
    assert 0 < match.score <= 1
    assert set(match.explanation["factors"]) >= {"distance", "language"}
    assert match.explanation["distance_km"] == pytest.approx(0, abs=0.1)
    with pytest.raises(ValidationError):
        lifecycle.match_create_manual(offer=offer, need=need, actor=platform_coordinator)


@pytest.mark.parametrize(
    ("earlier", "allowed"),
    [(MatchStatus.WITHDRAWN, True), (MatchStatus.REJECTED, False), (MatchStatus.DECLINED, False)],
)
def test_a_withdrawn_pair_can_be_matched_by_hand_again_but_not_a_refused_one(
    platform_coordinator, earlier, allowed
):
    old = MatchFactory(status=earlier, offer_response=Response.DECLINED)
    if not allowed:
        with pytest.raises(ValidationError):
            lifecycle.match_create_manual(
                offer=old.offer, need=old.need, actor=platform_coordinator
            )
        return
    match = lifecycle.match_create_manual(
        offer=old.offer, need=old.need, actor=platform_coordinator
    )
    assert (match.pk, match.status) == (old.pk, MatchStatus.APPROVED)
    assert match.offer_response == Response.PENDING
    steps = MatchTransition.objects.filter(match=match).order_by("pk")
    assert [(t.from_status, t.to_status) for t in steps] == [
        (MatchStatus.WITHDRAWN, MatchStatus.PROPOSED),
        (MatchStatus.PROPOSED, MatchStatus.APPROVED),
    ]


def test_manual_match_refuses_the_same_person_and_a_volunteer(platform_coordinator, volunteer):
    owner = UserFactory()
    offer, need = OfferFactory(owner=owner), NeedFactory(owner=owner)
    with pytest.raises(ValidationError):
        lifecycle.match_create_manual(offer=offer, need=need, actor=platform_coordinator)
    with pytest.raises(PermissionDenied):
        lifecycle.match_create_manual(offer=OfferFactory(), need=need, actor=volunteer)


def test_unanswered_proposal_expires(proposal, settings):
    settings.POMOC_MATCH_PROPOSAL_TTL = dt.timedelta(days=7)
    start = timezone.now()
    with time_machine.travel(start + dt.timedelta(days=6), tick=False):
        assert lifecycle.matches_expire()["proposals_expired"] == 0
    with time_machine.travel(start + dt.timedelta(days=8), tick=False):
        assert lifecycle.matches_expire()["proposals_expired"] == 1
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.EXPIRED
    step = MatchTransition.objects.get(match=proposal)
    assert step.actor is None
    assert step.to_status == MatchStatus.EXPIRED


def test_approved_match_is_reminded_once_then_expires(proposal, platform_coordinator, settings):
    settings.POMOC_MATCH_REMINDER_AFTER = dt.timedelta(days=3)
    settings.POMOC_MATCH_ANSWER_TTL = dt.timedelta(days=7)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lifecycle.match_approve(proposal, actor=platform_coordinator)
        lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)
    with time_machine.travel(start + dt.timedelta(days=2), tick=False):
        assert lifecycle.matches_expire()["reminded"] == 0
    with time_machine.travel(start + dt.timedelta(days=4), tick=False):
        assert lifecycle.matches_expire()["reminded"] == 1
    with time_machine.travel(start + dt.timedelta(days=5), tick=False):
        assert lifecycle.matches_expire()["reminded"] == 0
    # Only the side that has not answered is reminded.
    reminders = Notification.objects.filter(kind="match_reminder")
    assert [n.recipient for n in reminders] == [proposal.need.owner]
    with time_machine.travel(start + dt.timedelta(days=8), tick=False):
        assert lifecycle.matches_expire()["approved_expired"] == 1
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.EXPIRED
    expired = Notification.objects.filter(kind="match_expired")
    assert {n.recipient for n in expired} == {proposal.offer.owner, proposal.need.owner}


def test_a_connected_match_does_not_expire(proposal, platform_coordinator):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        lifecycle.match_approve(proposal, actor=platform_coordinator)
        _connect(proposal)
    with time_machine.travel(start + dt.timedelta(days=60), tick=False):
        assert lifecycle.matches_expire() == {
            "proposals_expired": 0,
            "reminded": 0,
            "approved_expired": 0,
        }
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.CONNECTED


def test_the_expiry_schedule_exists(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="matching-expire-matches")
    assert schedule.func == "matching.tasks.expire_matches"
