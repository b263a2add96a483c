"""Organisation admins decide requests to join their own organisation on the web, as the
coordinators who look after it do; a plain member cannot."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_organisation_admin_approves_a_request_to_join_on_the_web():
    organisation = factories.OrganisationFactory(name="Charita Brno")
    admin = factories.MembershipFactory(organisation=organisation, is_admin=True).user
    other_request = Membership.objects.create(
        user=factories.UserFactory(), organisation=factories.OrganisationFactory()
    )
    request = Membership.objects.create(
        user=factories.UserFactory(email="new@example.org"), organisation=organisation
    )
    client = Client()
    client.force_login(admin)

    assert "/en/coordination/memberships/" in client.get("/en/my/organisations/").content.decode()
    queue = client.get("/en/coordination/memberships/").content.decode()
    assert "new@example.org" in queue and other_request.user.email not in queue

    # Another organisation's request is not found; their own is decided.
    assert (
        client.post(f"/en/coordination/memberships/{other_request.pk}/approve/").status_code == 404
    )
    client.post(f"/en/coordination/memberships/{request.pk}/approve/")
    request.refresh_from_db()
    assert request.status == Membership.Status.APPROVED


def test_a_plain_member_cannot_decide():
    organisation = factories.OrganisationFactory()
    member = factories.MembershipFactory(organisation=organisation).user
    request = Membership.objects.create(user=factories.UserFactory(), organisation=organisation)
    client = Client()
    client.force_login(member)
    assert client.get("/en/coordination/memberships/").status_code == 403
    assert client.post(f"/en/coordination/memberships/{request.pk}/approve/").status_code == 404
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED
