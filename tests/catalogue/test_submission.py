"""Organisations submit projects on the web; coordinators approve them; only approved ones
are public."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import CoordinatorScope
from catalogue.models import Project, ReviewStatus
from tests.factories import MembershipFactory, OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Czech for parents",
    "description": "Evening courses for parents of pupils.",
    "start_month": "2026-01",
    "end_month": "2026-06",
    "funders": "AMIF, City of Brno",
    "topics": ["education"],
    "region": "Jihomoravský kraj",
    "link": "https://most.example/czech",
}


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"catalogue:{name}", args=args)


@pytest.fixture
def organisation():
    return OrganisationFactory(name="Spolek Most", verified=True)


@pytest.fixture
def staff(organisation):
    user = UserFactory(roles=["organisation_staff"])
    MembershipFactory(user=user, organisation=organisation)
    return user


def submit(client, user, organisation, **changes):
    client.force_login(user)
    return client.post(url("project_submit"), {**FORM, "organisation": organisation.pk, **changes})


def public_titles(client, **params) -> list[str]:
    response = client.get(url("project_list"), params)
    return [project.title for project in response.context["page"]]


def test_a_submitted_project_is_public_only_after_approval(
    client, staff, organisation, coordinator
):
    response = submit(client, staff, organisation)
    assert response.status_code == 302
    project = Project.objects.get(title="Czech for parents")
    assert project.review_status == ReviewStatus.PENDING
    assert project.submitted_by == staff
    assert sorted(funder.name for funder in project.funders.all()) == ["AMIF", "City of Brno"]
    assert str(project.start_month) == "2026-01-01"

    client.logout()
    assert public_titles(client) == []
    assert client.get(url("project_detail", project.pk)).status_code == 404
    assert client.get("/api/v1/projects/").json()["results"] == []
    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 404

    client.force_login(coordinator)
    queue = client.get(url("project_review_queue")).content.decode()
    assert "Czech for parents" in queue
    assert client.post(url("project_review", project.pk, "approve")).status_code == 302
    project.refresh_from_db()
    assert (project.review_status, project.reviewed_by) == (ReviewStatus.APPROVED, coordinator)

    client.logout()
    assert public_titles(client) == ["Czech for parents"]
    assert client.get(f"/api/v1/projects/{project.pk}/").status_code == 200


def test_the_catalogue_is_in_the_navigation(client):
    content = client.get(url("project_list")).content.decode()
    header = content.split("</header>")[0]
    assert url("project_list") in header
    assert url("organisation_list") in header


def test_people_who_are_not_approved_staff_cannot_submit(client, organisation):
    volunteer = UserFactory(roles=["volunteer"])
    pending = UserFactory(roles=["organisation_staff"])
    MembershipFactory(user=pending, organisation=organisation, status="requested")
    for user in (volunteer, pending):
        client.force_login(user)
        assert client.get(url("project_submit")).status_code == 403
        assert submit(client, user, organisation).status_code == 403
    client.logout()
    assert client.get(url("project_submit")).status_code == 302  # to the log-in
    assert not Project.objects.exists()


def test_staff_cannot_submit_for_another_organisation(client, staff):
    other = OrganisationFactory(name="Someone else")
    response = submit(client, staff, other)
    assert response.status_code == 400
    assert "organisation" in response.context["form"].errors
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"start_month": "2026-13"}, "start_month"),
        ({"end_month": "someday"}, "end_month"),
        ({"start_month": "2026-06", "end_month": "2026-01"}, "end_month"),
        ({"link": "not a link at all"}, "link"),
        ({"topics": ["astrology"]}, "topics"),
        ({"region": "x" * 101}, "region"),
        ({"title": "x" * 501}, "title"),
    ],
)
def test_a_bad_submission_is_explained_and_nothing_saved(
    client, staff, organisation, changes, field
):
    response = submit(client, staff, organisation, **changes)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Project.objects.exists()


def test_the_same_project_cannot_be_submitted_twice(client, staff, organisation):
    submit(client, staff, organisation)
    response = submit(client, staff, organisation, description="Again")
    assert response.status_code == 400
    assert "already in the catalogue" in str(response.context["form"].errors["title"])
    assert Project.objects.count() == 1


def test_only_coordinators_who_look_after_the_organisation_review(client, staff, organisation):
    submit(client, staff, organisation)
    project = Project.objects.get()
    volunteer = UserFactory(roles=["volunteer"])
    client.force_login(volunteer)
    assert client.get(url("project_review_queue")).status_code == 403
    assert client.post(url("project_review", project.pk, "approve")).status_code == 403
    # A coordinator of another organisation neither sees nor approves it.
    elsewhere = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=elsewhere, organisation=OrganisationFactory())
    client.force_login(elsewhere)
    assert "Czech for parents" not in client.get(url("project_review_queue")).content.decode()
    assert client.post(url("project_review", project.pk, "approve")).status_code == 403
    # Staff cannot approve their own submission.
    client.force_login(staff)
    assert client.post(url("project_review", project.pk, "approve")).status_code == 403
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.PENDING
    # The organisation's own coordinator may.
    own = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=own, organisation=organisation)
    client.force_login(own)
    assert client.post(url("project_review", project.pk, "approve")).status_code == 302
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.APPROVED


def test_a_rejection_needs_a_reason_and_stays_private(client, staff, organisation, coordinator):
    submit(client, staff, organisation)
    project = Project.objects.get()
    client.force_login(coordinator)
    response = client.post(url("project_review", project.pk, "reject"), follow=True)
    assert "Say why the project is rejected." in response.content.decode()
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.PENDING

    client.post(
        url("project_review", project.pk, "reject"), {"reason": "Not an integration project"}
    )
    project.refresh_from_db()
    assert project.review_status == ReviewStatus.REJECTED
    # Reviewed once: a second decision is refused.
    again = client.post(url("project_review", project.pk, "approve"), follow=True)
    assert "already been reviewed" in again.content.decode()
    client.force_login(staff)
    mine = client.get(url("project_submit")).content.decode()
    assert "Not an integration project" in mine
    client.logout()
    assert public_titles(client) == []


def test_the_list_and_the_api_filter_by_region(client):
    ProjectFactory(title="In Brno", region="Jihomoravský kraj")
    ProjectFactory(title="In Prague", region="Hlavní město Praha")
    assert public_titles(client, region="jihomoravský kraj") == ["In Brno"]
    api = client.get("/api/v1/projects/", {"region": "Hlavní město Praha"}).json()
    assert [item["title"] for item in api["results"]] == ["In Prague"]
    bad = client.get("/api/v1/projects/", {"region": "x" * 101})
    assert bad.status_code == 400 and "region" in bad.json()


API_BODY = {
    "title": "Czech for parents",
    "start_month": "2026-01",
    "end_month": "2026-06",
    "funders": ["AMIF"],
    "topics": ["education"],
    "region": "Jihomoravský kraj",
}


def test_the_api_submits_and_reviews_like_the_web(client, staff, organisation, coordinator):
    client.force_login(staff)
    response = client.post(
        "/api/v1/projects/",
        {**API_BODY, "organisation": organisation.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["review_status"] == "pending"
    project = Project.objects.get()
    assert client.get("/api/v1/projects/review/").status_code == 403  # staff are no reviewers
    assert (
        client.post(f"/api/v1/projects/{project.pk}/review/", {"decision": "approve"}).status_code
        == 403
    )

    client.force_login(coordinator)
    queue = client.get("/api/v1/projects/review/").json()
    assert [item["title"] for item in queue["results"]] == ["Czech for parents"]
    response = client.post(
        f"/api/v1/projects/{project.pk}/review/",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert response.status_code == 200
    client.logout()
    assert [item["title"] for item in client.get("/api/v1/projects/").json()["results"]] == [
        "Czech for parents"
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"start_month": "2026-13"}, "start_month"),
        ({"start_month": "2026-06", "end_month": "2026-01"}, "end_month"),
        ({"topics": ["astrology"]}, "topics"),
        ({"link": "nope"}, "link"),
        ({"organisation": 999999}, "organisation"),
    ],
)
def test_the_api_refuses_bad_submissions_naming_the_field(
    client, staff, organisation, changes, field
):
    client.force_login(staff)
    response = client.post(
        "/api/v1/projects/",
        {**API_BODY, "organisation": organisation.pk, **changes},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Project.objects.exists()


def test_the_api_refuses_submissions_of_non_staff(client, organisation):
    client.force_login(UserFactory(roles=["volunteer"]))
    response = client.post(
        "/api/v1/projects/",
        {**API_BODY, "organisation": organisation.pk},
        content_type="application/json",
    )
    assert response.status_code == 403
    client.logout()
    response = client.post(
        "/api/v1/projects/",
        {**API_BODY, "organisation": organisation.pk},
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Project.objects.exists()
