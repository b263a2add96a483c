"""Attack 5: one person on both sides of a match could accept for both and connect it alone.
An offer's owner joins the organisation that posted a need (or someone is staff of both
organisations): such pairs are never proposed and can never be approved or connected."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from matching.engine import full_pass, incremental_pass
from matching.lifecycle import match_approve, match_create_manual, match_respond
from matching.models import Match, MatchStatus
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def _staff(user, organisation):
    return factories.MembershipFactory(user=user, organisation=organisation)


@pytest.fixture
def organisation_need():
    organisation = factories.OrganisationFactory(verified=True)
    need = factories.NeedFactory(organisation=organisation, title="Winter coats for a shelter")
    return organisation, need


def _both_sides_setups(organisation_need):
    organisation, _ = organisation_need
    insider = factories.UserFactory()
    _staff(insider, organisation)
    # The insider's own offer: they would answer as its owner and as the need's staff.
    yield "owner-and-staff", factories.OfferFactory(owner=insider, title="Coats")
    # An offer of another organisation the insider is also staff of.
    other = factories.OrganisationFactory(verified=True)
    _staff(insider, other)
    yield "staff-of-both", factories.OfferFactory(organisation=other, title="Coats from P")


@pytest.mark.parametrize("setup", ["owner-and-staff", "staff-of-both"])
@pytest.mark.parametrize("matcher", ["full", "incremental"])
def test_the_matcher_never_proposes_a_pair_one_person_answers_for(
    organisation_need, setup, matcher
):
    offers = dict(_both_sides_setups(organisation_need))
    insider_offer = offers[setup]
    for name, offer in offers.items():
        if name != setup:
            offer.delete()
    _, need = organisation_need
    honest = factories.OfferFactory(title="Coats from a stranger")

    if matcher == "full":
        full_pass()
    else:
        incremental_pass(need_id=need.pk)

    proposed = set(Match.objects.filter(need=need).values_list("offer_id", flat=True))
    assert honest.pk in proposed  # the pass did run and found the honest pair
    assert insider_offer.pk not in proposed


def test_a_pair_with_one_person_on_both_sides_cannot_be_approved_or_made_by_hand(
    organisation_need, coordinator
):
    organisation, need = organisation_need
    insider_offer = factories.OfferFactory()
    # The match exists from before the offer's owner joined the need's organisation.
    match = factories.MatchFactory(offer=insider_offer, need=need)
    _staff(insider_offer.owner, organisation)

    client = Client()
    client.force_login(coordinator)
    client.post(f"/en/coordinate/{match.pk}/approve/")
    assert Match.objects.get(pk=match.pk).status == MatchStatus.PROPOSED
    with pytest.raises(ValidationError):
        match_approve(match, actor=coordinator)

    Match.objects.filter(pk=match.pk).delete()
    with pytest.raises(ValidationError):
        match_create_manual(offer=insider_offer, need=need, actor=coordinator)
    assert not Match.objects.filter(offer=insider_offer, need=need).exists()


def test_joining_the_other_side_after_approval_cannot_connect_the_match(
    organisation_need, coordinator
):
    organisation, need = organisation_need
    offer = factories.OfferFactory()
    match = match_approve(factories.MatchFactory(offer=offer, need=need), actor=coordinator)
    # The offer's owner asks to join the shelter's organisation and is let in...
    _staff(offer.owner, organisation)

    # ...then accepts as the owner and as the shelter's staff.
    client = Client()
    client.force_login(offer.owner)
    client.post(f"/en/matches/{match.pk}/respond/", {"answer": "accept"})
    with pytest.raises(ValidationError):
        match_respond(match, actor=offer.owner, accept=True)

    match.refresh_from_db()
    assert match.status == MatchStatus.APPROVED
    assert match.connected_at is None
    assert not Notification.objects.filter(kind="match_connected").exists()
