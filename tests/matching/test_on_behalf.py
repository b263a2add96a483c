"""An operator answers a match for a person registered without email (issue 12, part 2)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import Membership, ProxyAction
from matching import lifecycle
from matching.models import MatchStatus
from rights.models import Consent
from tests import factories
from tests.conftest import register_person


@pytest.fixture
def person(operator):
    return register_person(operator)


@pytest.fixture
def approved(person, operator, platform_coordinator):
    organisation = Membership.objects.get(user=operator).organisation
    need = factories.NeedFactory(owner=person, organisation=organisation, title="Coat for Olena")
    offer = factories.OfferFactory(title="Warm coats", owner=factories.UserFactory())
    match = factories.MatchFactory(offer=offer, need=need)
    return lifecycle.match_approve(match, actor=platform_coordinator)


def test_operator_accepts_on_the_match_page_for_the_person(client, operator, person, approved):
    client.force_login(operator)
    page = client.get(f"/en/matches/{approved.pk}/").content.decode()
    assert 'value="accept"' in page

    response = client.post(f"/en/matches/{approved.pk}/respond/", {"answer": "accept"})

    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.need_response == "accepted"
    step = ProxyAction.objects.get(action="match_accepted")
    assert (step.actor, step.person, step.match) == (operator, person, approved)
    # The consent to share contacts is the person's (taken by the operator at registration).
    assert Consent.objects.filter(match=approved, user=person).exists()
    history = client.get(f"/en/matches/{approved.pk}/").content.decode()
    assert "Eva Operator accepted a match on behalf of Olena" in history


def test_operator_declines_for_the_person(operator, person, approved):
    lifecycle.match_respond(approved, actor=operator, accept=False)
    approved.refresh_from_db()
    assert approved.status == MatchStatus.DECLINED
    assert ProxyAction.objects.filter(action="match_declined", match=approved).exists()


def test_operator_of_another_organisation_cannot_answer(client, person, approved):
    outsider = factories.UserFactory(roles=["organisation_staff"])
    factories.MembershipFactory(
        user=outsider, organisation=factories.OrganisationFactory(verified=True)
    )
    client.force_login(outsider)
    assert client.get(f"/en/matches/{approved.pk}/").status_code == 404
    response = client.post(f"/en/matches/{approved.pk}/respond/", {"answer": "accept"})
    assert response.status_code == 404
    with pytest.raises(PermissionDenied):
        lifecycle.match_respond(approved, actor=outsider, accept=True)
    approved.refresh_from_db()
    assert approved.need_response == "pending"
    assert not ProxyAction.objects.filter(match=approved).exists()


def test_coordinator_in_scope_acts_for_a_person_of_that_organisation(person, approved, operator):
    from accounts.models import CoordinatorScope

    coordinator = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(
        user=coordinator, organisation=Membership.objects.get(user=operator).organisation
    )
    lifecycle.match_respond(approved, actor=coordinator, accept=True)
    assert ProxyAction.objects.get(action="match_accepted").actor == coordinator


def test_operator_matches_notifications_reach_the_operator(operator, person, approved):
    from notifications.models import Notification

    copy = Notification.objects.get(recipient=operator, kind="match_approved")
    assert copy.subject.startswith("For Olena: ")
    assert copy.action_url.endswith(f"/matches/{approved.pk}/")
