"""Organisation staff are told (issue 12, part 7): the matches of a post made on behalf of an
organisation are announced to its approved staff as well as the owner, each person once."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts.models import Membership
from matching import lifecycle
from notifications.models import Notification
from notifications.services import deliveries_send_due
from tests.factories import (
    MatchFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation_need():
    """A need an NGO's caseworker posted for the NGO; two colleagues approved, one asking to
    join, one approved but whose account is closed."""
    organisation = OrganisationFactory(name="Help Desk Praha")
    caseworker = UserFactory(display_name="Caseworker")
    MembershipFactory(user=caseworker, organisation=organisation)  # the owner is staff too
    colleagues = [UserFactory(display_name=f"Colleague {n}") for n in (1, 2)]
    for colleague in colleagues:
        MembershipFactory(user=colleague, organisation=organisation)
    applicant = UserFactory(display_name="Applicant")
    MembershipFactory(user=applicant, organisation=organisation, status=Membership.Status.REQUESTED)
    gone = UserFactory(display_name="Gone", is_active=False)
    MembershipFactory(user=gone, organisation=organisation)
    need = NeedFactory(owner=caseworker, organisation=organisation)
    return need, caseworker, colleagues, applicant, gone


def test_approved_staff_hear_of_the_organisations_matches_each_once(
    organisation_need, platform_coordinator
):
    need, caseworker, colleagues, applicant, gone = organisation_need
    match = MatchFactory(need=need, score=0.8)

    lifecycle.match_approve(match, actor=platform_coordinator)
    deliveries_send_due()  # what the worker's outbox schedule does

    told = Notification.objects.filter(kind="match_approved")
    need_side = {caseworker, *colleagues}
    assert {n.recipient for n in told} == need_side | {match.offer.owner}
    assert told.count() == len(need_side) + 1  # nobody twice, the owner-and-staff included
    inboxes = [address for message in mail.outbox for address in message.to]
    for person in need_side:
        assert inboxes.count(person.email) == 1
    assert applicant.email not in inboxes and gone.email not in inboxes


def test_staff_get_the_contacts_once_both_sides_accept(organisation_need, platform_coordinator):
    need, _caseworker, colleagues, _applicant, _gone = organisation_need
    match = MatchFactory(need=need, score=0.8)
    lifecycle.match_approve(match, actor=platform_coordinator)
    lifecycle.match_respond(match, actor=match.offer.owner, accept=True)
    # A colleague answers for the organisation: it is their need too.
    lifecycle.match_respond(match, actor=colleagues[0], accept=True)

    connected = Notification.objects.filter(kind="match_connected", recipient__in=colleagues)
    assert connected.count() == 2
    assert all(match.offer.owner.email in n.body_text for n in connected)


def test_staff_of_an_offering_organisation_hear_of_a_decline(platform_coordinator):
    organisation = OrganisationFactory()
    volunteer, colleague = UserFactory(), UserFactory()
    for person in (volunteer, colleague):
        MembershipFactory(user=person, organisation=organisation)
    offer = OfferFactory(owner=volunteer, organisation=organisation)
    match = MatchFactory(offer=offer, score=0.8)
    lifecycle.match_approve(match, actor=platform_coordinator)

    lifecycle.match_respond(match, actor=match.need.owner, accept=False)

    declined = Notification.objects.filter(kind="match_declined")
    assert {n.recipient for n in declined} == {volunteer, colleague}


def test_a_post_without_an_organisation_tells_only_its_owner(platform_coordinator):
    organisation = OrganisationFactory()
    owner = UserFactory()
    MembershipFactory(user=owner, organisation=organisation)
    colleague = UserFactory()
    MembershipFactory(user=colleague, organisation=organisation)
    match = MatchFactory(need=NeedFactory(owner=owner), score=0.8)

    lifecycle.match_approve(match, actor=platform_coordinator)

    told = {n.recipient for n in Notification.objects.filter(kind="match_approved")}
    assert told == {owner, match.offer.owner}
