"""The directory of member organisations: list, page, public contacts, profile form, API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Organisation
from tests.factories import (
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
    category,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"catalogue:{name}", args=args)


@pytest.fixture
def most() -> Organisation:
    return OrganisationFactory(
        name="Spolek Most",
        kind="ngo",
        region="Jihomoravský kraj",
        verified=True,
        email="office@most.example",
        phone="+420 111 222 333",
        website="https://most.example/",
        description="Poradna pro cizince v Brně.",
    )


def test_the_directory_lists_verified_organisations_with_filters(client, most):
    OrganisationFactory(name="Unverified club", verified=False)
    OrganisationFactory(name="Obec Lhota", kind="municipality", verified=True, region="Praha")
    content = client.get(url("organisation_list")).content.decode()
    assert "Spolek Most" in content and "Obec Lhota" in content
    assert "Unverified club" not in content

    def names(params):
        response = client.get(url("organisation_list"), params)
        return [organisation.name for organisation in response.context["page"]]

    assert names({"q": "poradna brne"}) == ["Spolek Most"]  # accents ignored
    assert names({"kind": "municipality"}) == ["Obec Lhota"]
    assert names({"region": "jihomoravský kraj"}) == ["Spolek Most"]


def test_a_bad_directory_filter_is_explained(client, most):
    response = client.get(url("organisation_list"), {"kind": "sect", "q": "x" * 300})
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any(message.startswith("Kind:") for message in messages)
    assert any(message.startswith("Search:") for message in messages)


def test_the_directory_runs_a_fixed_number_of_queries(client, django_assert_num_queries):
    for number in range(25):
        OrganisationFactory(name=f"Member {number:02d}", verified=True)
    # count, page with project counts, region choices
    with django_assert_num_queries(3):
        response = client.get(url("organisation_list"))
    assert len(response.context["page"].object_list) == 20


def test_the_page_shows_only_the_contacts_the_organisation_published(client, most):
    most.public_email = True
    most.save()
    content = client.get(url("organisation_detail", most.pk)).content.decode()
    assert "office@most.example" in content
    assert "+420 111 222 333" not in content
    assert "https://most.example/" not in content


def test_an_unverified_organisation_publishes_no_contacts(client):
    organisation = OrganisationFactory(
        verified=False,
        email="me@private.example",
        public_email=True,
        website="https://x.example/",
        public_website=True,
    )
    ProjectFactory(organisations=[organisation])  # in the catalogue, so it has a page
    content = client.get(url("organisation_detail", organisation.pk)).content.decode()
    assert "me@private.example" not in content and "https://x.example/" not in content


def test_an_unverified_organisation_outside_the_catalogue_has_no_page(client):
    organisation = OrganisationFactory(verified=False)
    assert client.get(url("organisation_detail", organisation.pk)).status_code == 404


def test_the_page_lists_projects_and_only_public_open_needs(client, most):
    ProjectFactory(title="Approved project", organisations=[most])
    ProjectFactory(title="Waiting project", organisations=[most], review_status="pending")
    NeedFactory(organisation=most, title="Open need for Czech lessons")
    NeedFactory(organisation=most, title="Hidden need", hidden_at=timezone.now())
    NeedFactory(organisation=most, title="Paused need", status="paused")
    NeedFactory(organisation=most, title="Legal need", category=category("legal"))
    content = client.get(url("organisation_detail", most.pk)).content.decode()
    assert "Approved project" in content and "Open need for Czech lessons" in content
    for hidden in ("Waiting project", "Hidden need", "Paused need", "Legal need"):
        assert hidden not in content


def test_an_organisation_admin_publishes_contacts_on_the_form(client, most):
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=most, is_admin=True)
    client.force_login(admin)
    page = client.get(url("organisation_detail", most.pk)).content.decode()
    assert url("organisation_profile", most.pk) in page
    response = client.post(
        url("organisation_profile", most.pk),
        {
            "description": "New text",
            "region": "Jihomoravský kraj",
            "website": "https://most.example/",
            "email": "office@most.example",
            "phone": "+420 111 222 333",
            "public_phone": "on",
        },
    )
    assert response.status_code == 302
    most.refresh_from_db()
    assert (most.public_phone, most.public_email, most.description) == (True, False, "New text")
    client.logout()
    content = client.get(url("organisation_detail", most.pk)).content.decode()
    assert "+420 111 222 333" in content and "office@most.example" not in content


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"phone": "", "public_phone": "on"}, "phone"),
        ({"region": "x" * 101}, "region"),
    ],
)
def test_a_bad_profile_is_explained_and_nothing_saved(client, most, changes, field):
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=most, is_admin=True)
    client.force_login(admin)
    data = {
        "description": "Changed",
        "region": "",
        "website": "",
        "email": "office@most.example",
        "phone": "+420 111 222 333",
        **changes,
    }
    response = client.post(url("organisation_profile", most.pk), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    most.refresh_from_db()
    assert most.description == "Poradna pro cizince v Brně."
    assert not (most.public_email or most.public_phone or most.public_website)


def test_only_the_organisations_admins_edit_its_profile(client, most):
    member = UserFactory()
    MembershipFactory(user=member, organisation=most, is_admin=False)
    pending_admin = UserFactory()
    MembershipFactory(user=pending_admin, organisation=most, is_admin=True, status="requested")
    other_admin = UserFactory()
    MembershipFactory(user=other_admin, organisation=OrganisationFactory(), is_admin=True)
    for user in (member, pending_admin, other_admin):
        client.force_login(user)
        assert client.get(url("organisation_profile", most.pk)).status_code == 403
        response = client.post(url("organisation_profile", most.pk), {"public_email": "on"})
        assert response.status_code == 403
    most.refresh_from_db()
    assert not most.public_email
    client.logout()
    assert client.get(url("organisation_profile", most.pk)).status_code == 302


def test_the_api_lists_members_with_public_contacts_only(client, most):
    most.public_website = True
    most.save()
    OrganisationFactory(name="Unverified club", verified=False)
    ProjectFactory(title="Approved project", organisations=[most])
    NeedFactory(organisation=most, title="Open need")
    NeedFactory(organisation=most, title="Legal need", category=category("legal"))

    listing = client.get("/api/v1/organisations/").json()
    assert [item["name"] for item in listing["results"]] == ["Spolek Most"]
    assert listing["results"][0]["contacts"] == {"website": "https://most.example/"}
    assert "office@most.example" not in str(listing)

    detail = client.get(f"/api/v1/organisations/{most.pk}/").json()
    assert [project["title"] for project in detail["projects"]] == ["Approved project"]
    assert [need["title"] for need in detail["open_needs"]] == ["Open need"]


def test_the_api_refuses_bad_filters_and_unknown_organisations(client, most):
    response = client.get("/api/v1/organisations/", {"kind": "sect"})
    assert response.status_code == 400
    assert "kind" in response.json()
    hidden = OrganisationFactory(verified=False)
    assert client.get(f"/api/v1/organisations/{hidden.pk}/").status_code == 404
    assert client.get("/api/v1/organisations/999999/").status_code == 404


def test_the_api_lets_only_admins_change_the_profile(client, most):
    admin = UserFactory()
    MembershipFactory(user=admin, organisation=most, is_admin=True)
    member = UserFactory()
    MembershipFactory(user=member, organisation=most, is_admin=False)
    target = f"/api/v1/organisations/{most.pk}/profile/"

    client.force_login(member)
    response = client.patch(target, {"public_email": True}, content_type="application/json")
    assert response.status_code == 403

    client.force_login(admin)
    bad = client.patch(target, {"public_phone": True, "phone": ""}, content_type="application/json")
    assert bad.status_code == 400 and "phone" in bad.json()
    bad_email = client.patch(target, {"email": "nope"}, content_type="application/json")
    assert bad_email.status_code == 400 and "email" in bad_email.json()
    most.refresh_from_db()
    assert not (most.public_email or most.public_phone) and most.phone

    response = client.patch(target, {"public_email": True}, content_type="application/json")
    assert response.status_code == 200
    client.logout()
    contacts = client.get(f"/api/v1/organisations/{most.pk}/").json()["contacts"]
    assert contacts == {"email": "office@most.example"}
