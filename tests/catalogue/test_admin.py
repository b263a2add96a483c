"""Coordinators edit the catalogue in the admin."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from accounts.models import User
from catalogue.models import Project
from catalogue.services import projects_import_seed
from tests.factories import FunderFactory, ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="admin@example.org", password="x"))
    return client


def test_admin_lists_and_opens_projects_and_funders(admin_client):
    projects_import_seed()
    project = Project.objects.get(title="Pomáhej Ukrajině")
    for path in [
        "/admin/catalogue/project/",
        "/admin/catalogue/project/?q=ukrajin",
        f"/admin/catalogue/project/{project.pk}/change/",
        "/admin/catalogue/project/add/",
        "/admin/catalogue/funder/",
    ]:
        assert admin_client.get(path).status_code == 200, path


def form_data(title: str, funders: list, **extra) -> dict:
    return {
        "title": title,
        "description": "",
        "start_month": "2024-01-15",
        "end_month": "2024-12-01",
        "funders": [funder.pk for funder in funders],
        "topics": ["legal"],
        "region": "",
        "link": "",
        "organisation_links-TOTAL_FORMS": "0",
        "organisation_links-INITIAL_FORMS": "0",
        **extra,
    }


def test_a_coordinator_adds_a_project_and_its_identity_follows_its_funders(admin_client):
    ikea = FunderFactory(name="IKEA")
    response = admin_client.post("/admin/catalogue/project/add/", form_data("Skills", [ikea]))
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.start_month.day == 1  # any day of the month means the month
    assert project.topics == ["legal"]
    # The same row imported later is recognised as this project, not a duplicate.
    from catalogue.importer import parse_projects
    from catalogue.services import projects_import

    report = projects_import(
        rows=parse_projects("Skills | IKEA | 01/2024–12/2024 | New text. |").rows, source="x"
    )
    assert (report.created, report.updated) == (0, 1)


def test_an_edit_that_duplicates_another_project_is_refused(admin_client):
    ikea = FunderFactory(name="IKEA")
    admin_client.post("/admin/catalogue/project/add/", form_data("Skills", [ikea]))
    other = ProjectFactory(title="Other")
    response = admin_client.post(
        f"/admin/catalogue/project/{other.pk}/change/",
        form_data("skills", [ikea]),
    )
    assert response.status_code == 200
    # The admin speaks the coordinator's language: expect the message in the page's language.
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        expected = translation.gettext(
            "A project with this title, funders and period already exists."
        )
    assert escape(expected) in response.content.decode()
    assert Project.objects.get(pk=other.pk).title == "Other"
