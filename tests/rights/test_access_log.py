"""Consent and the contact access log: accepting a match records what is shared; every showing
of someone's contact is logged, and the person sees who looked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matching import lifecycle
from rights.models import Consent, ContactAccess
from tests.factories import MatchFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_accepting_a_match_records_consent_with_what_is_shared(connected):
    offer_owner, need_owner = connected.offer.owner, connected.need.owner
    consents = {consent.user: consent for consent in Consent.objects.filter(match=connected)}
    assert set(consents) == {offer_owner, need_owner}
    olga = consents[offer_owner]
    assert olga.purpose == Consent.Purpose.MATCH_CONTACT
    assert olga.fields == ["name", "email", "phone"]
    assert olga.values == {
        "name": "Olga Offer",
        "email": offer_owner.email,
        "phone": "+420601111222",
    }


def test_declining_records_no_consent(db):
    coordinator = UserFactory(is_superuser=True, roles=["coordinator"])
    match = MatchFactory()
    lifecycle.match_approve(match, actor=coordinator)
    lifecycle.match_respond(match, actor=match.need.owner, accept=False)
    assert not Consent.objects.exists()


def test_viewing_a_connected_match_page_logs_the_contact_view(client, connected):
    need_owner, offer_owner = connected.need.owner, connected.offer.owner
    client.force_login(need_owner)
    page = client.get(reverse("match_detail", args=[connected.pk])).content.decode()
    assert offer_owner.email in page

    access = ContactAccess.objects.get()
    assert (access.viewer, access.subject, access.where, access.match) == (
        need_owner,
        offer_owner,
        ContactAccess.Where.MATCH_PAGE,
        connected,
    )
    assert access.fields == ["name", "email", "phone"]
    # Olga sees who looked, by name, on her page.
    olga = Client()
    olga.force_login(offer_owner)
    log = olga.get(reverse("my_contact_access")).content.decode()
    assert "Nadia Need" in log and "Connected match page" in log
    assert need_owner.email not in log


def test_a_match_page_without_contacts_logs_nothing(client):
    coordinator = UserFactory(is_superuser=True, roles=["coordinator"])
    match = MatchFactory()
    lifecycle.match_approve(match, actor=coordinator)
    # A side before the connection, and the coordinator: neither is shown a contact.
    client.force_login(match.need.owner)
    page = client.get(reverse("match_detail", args=[match.pk])).content.decode()
    assert match.offer.owner.email not in page
    client.force_login(coordinator)
    assert client.get(reverse("match_detail", args=[match.pk])).status_code == 200
    assert not ContactAccess.objects.exists()


def test_the_admin_user_page_logs_the_view(client):
    from django.contrib.auth.models import Permission

    staff = UserFactory(roles=[], is_staff=True, display_name="Admin Anna")
    staff.user_permissions.set(Permission.objects.filter(codename="view_user"))
    person = UserFactory()
    client.force_login(staff)
    assert client.get(f"/admin/accounts/user/{person.pk}/change/").status_code == 200
    access = ContactAccess.objects.get()
    assert (access.viewer, access.subject, access.where) == (
        staff,
        person,
        ContactAccess.Where.ADMIN_USER_PAGE,
    )
    # The admin's list of users is not a view of one person's page.
    client.get("/admin/accounts/user/")
    assert ContactAccess.objects.count() == 1


def test_the_access_log_is_only_my_own(client, connected):
    client.force_login(connected.need.owner)
    client.get(reverse("match_detail", args=[connected.pk]))  # logged for Olga
    # Nadia's own page lists nothing: nobody viewed her contact.
    page = client.get(reverse("my_contact_access")).content.decode()
    assert "Nobody has viewed your contact." in page
