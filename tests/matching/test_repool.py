"""No good pair lost to the queue (issue 12, part 5): a proposal that expires before a
coordinator decided goes back to the pool, through the real engine; a "no" stays final."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from matching import engine, lifecycle
from matching.models import Match, MatchStatus, MatchTransition
from tests.factories import NeedFactory, OfferFactory
from tests.matching.conftest import east_of_praha

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_week(settings):
    settings.POMOC_MATCH_PROPOSAL_TTL = dt.timedelta(days=7)
    settings.POMOC_MATCH_ANSWER_TTL = dt.timedelta(days=7)


def _expire_after_a_week() -> dict[str, int]:
    with time_machine.travel(timezone.now() + dt.timedelta(days=8), tick=False):
        return lifecycle.matches_expire()


@pytest.mark.parametrize("next_pass", ["full", "incremental"])
def test_a_proposal_nobody_decided_is_proposed_again_by_a_later_pass(next_pass):
    offer, need = OfferFactory(), NeedFactory()
    engine.full_pass()
    match = Match.objects.get()
    assert _expire_after_a_week()["proposals_expired"] == 1
    match.refresh_from_db()
    assert match.status == MatchStatus.EXPIRED

    result = engine.full_pass() if next_pass == "full" else engine.incremental_pass(need_id=need.pk)

    again = Match.objects.get()
    assert (again.pk, again.offer, again.need) == (match.pk, offer, need)
    assert again.status == MatchStatus.PROPOSED and again.run_id == result.run_id
    steps = list(
        MatchTransition.objects.filter(match=again)
        .order_by("pk")
        .values_list("from_status", "to_status")
    )
    assert steps == [
        (MatchStatus.PROPOSED, MatchStatus.EXPIRED),
        (MatchStatus.EXPIRED, MatchStatus.PROPOSED),
    ]
    assert "Back in the pool" in MatchTransition.objects.filter(match=again).latest("pk").reason
    # A coordinator can now decide it like any proposal.
    assert engine.full_pass().proposed == 0


def test_an_expired_proposal_comes_back_only_while_it_is_among_the_best(settings):
    settings.POMOC_MATCHING_PER_NEED = 1
    first = OfferFactory(location=east_of_praha(3))
    need = NeedFactory()
    engine.full_pass()
    _expire_after_a_week()
    # A nearer offer arrived meanwhile: the need's one slot goes to it.
    nearer = OfferFactory(location=east_of_praha(0.2))

    engine.full_pass()

    assert Match.objects.get(offer=nearer, need=need).status == MatchStatus.PROPOSED
    assert Match.objects.get(offer=first, need=need).status == MatchStatus.EXPIRED


def test_an_expired_proposal_no_longer_feasible_stays_expired():
    offer, need = OfferFactory(), NeedFactory()
    engine.full_pass()
    _expire_after_a_week()
    offer.languages = ["de"]
    offer.save()

    engine.full_pass()
    engine.incremental_pass(need_id=need.pk)

    assert Match.objects.get().status == MatchStatus.EXPIRED


@pytest.mark.parametrize("ending", ["rejected", "declined", "approval_expired"])
def test_a_pair_someone_decided_never_returns(ending, platform_coordinator):
    offer, need = OfferFactory(), NeedFactory()
    engine.full_pass()
    match = Match.objects.get()
    if ending == "rejected":
        lifecycle.match_reject(match, actor=platform_coordinator, reason="Not suitable")
    elif ending == "declined":
        lifecycle.match_approve(match, actor=platform_coordinator)
        lifecycle.match_respond(match, actor=need.owner, accept=False)
    else:
        lifecycle.match_approve(match, actor=platform_coordinator)
        assert _expire_after_a_week()["approved_expired"] == 1

    engine.full_pass()
    engine.incremental_pass(need_id=need.pk)
    engine.incremental_pass(offer_id=offer.pk)

    assert Match.objects.get().status != MatchStatus.PROPOSED
    assert Match.objects.count() == 1


def test_a_coordinator_can_match_an_expired_proposal_by_hand(platform_coordinator):
    offer, need = OfferFactory(), NeedFactory()
    engine.full_pass()
    _expire_after_a_week()

    match = lifecycle.match_create_manual(offer=offer, need=need, actor=platform_coordinator)

    assert match.status == MatchStatus.APPROVED
