from __future__ import annotations

import pytest

from accounts.models import Membership, Role
from offers.models import Offer
from posts.models import PostStatus
from tests import factories
from tests.web.test_post_pages import offer_data

pytestmark = pytest.mark.django_db


def test_user_asks_to_join_an_organisation(client, volunteer):
    organisation = factories.OrganisationFactory(name="Diakonie")
    client.force_login(volunteer)
    assert "Diakonie" in client.get("/en/my/organisations/").content.decode()
    response = client.post("/en/my/organisations/", {"organisation": organisation.pk})
    assert response.status_code == 302
    membership = Membership.objects.get(user=volunteer)
    assert membership.status == Membership.Status.REQUESTED
    volunteer.refresh_from_db()
    assert Role.ORGANISATION_STAFF in volunteer.roles
    html = client.get("/en/my/organisations/").content.decode()
    assert "Diakonie" in html and "Requested" in html


def test_joining_an_unknown_organisation_is_an_error(client, volunteer):
    client.force_login(volunteer)
    factories.OrganisationFactory()
    response = client.post("/en/my/organisations/", {"organisation": "999999"})
    assert response.status_code == 400
    assert not Membership.objects.exists()


def test_staff_posts_on_behalf_of_their_organisation_and_colleague_edits(client):
    organisation = factories.OrganisationFactory(name="Charita")
    staff, colleague = factories.UserFactory(), factories.UserFactory()
    for user in (staff, colleague):
        factories.MembershipFactory(user=user, organisation=organisation)
    client.force_login(staff)
    response = client.post("/en/offers/new/", offer_data(organisation=organisation.pk))
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.organisation == organisation
    client.force_login(colleague)
    assert client.post(f"/en/offers/{offer.pk}/pause/").status_code == 302
    offer.refresh_from_db()
    assert offer.status == PostStatus.PAUSED


def test_cannot_post_for_an_organisation_one_does_not_belong_to(client, volunteer):
    other = factories.OrganisationFactory()
    factories.MembershipFactory(user=volunteer)
    client.force_login(volunteer)
    response = client.post("/en/offers/new/", offer_data(organisation=other.pk))
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert not Offer.objects.exists()


def test_pending_membership_gives_no_organisation_choice(client, volunteer):
    factories.MembershipFactory(user=volunteer, status=Membership.Status.REQUESTED)
    client.force_login(volunteer)
    form = client.get("/en/offers/new/").context["form"]
    assert "organisation" not in form.fields
