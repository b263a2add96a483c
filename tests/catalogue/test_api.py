"""The read-only catalogue API."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalogue.models import Project
from catalogue.services import projects_import_seed
from tests.factories import FunderFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects/"
FUNDERS = "/api/v1/funders/"


def test_the_project_list_has_the_seed_with_months_status_and_funders(client):
    projects_import_seed()
    body = client.get(PROJECTS, {"q": "intercultural"}).json()
    assert body["count"] == 1
    [project] = body["results"]
    assert project["title"] == "Training of intercultural workers"
    assert (project["start_month"], project["end_month"]) == ("2020-05", "2020-12")
    assert project["status"] == "finished"
    assert [funder["name"] for funder in project["funders"]] == ["MHMP"]
    assert project["organisations"][0]["role"] == "runs"


def test_the_api_search_is_accent_insensitive(client):
    ProjectFactory(title="Právní poradna pro uprchlíky")
    ProjectFactory(title="Skills for Employment")
    for query in ["uprchlik", "uprchlík"]:
        results = client.get(PROJECTS, {"q": query}).json()["results"]
        assert [project["title"] for project in results] == ["Právní poradna pro uprchlíky"]


@time_machine.travel(datetime(2024, 6, 15, tzinfo=ZoneInfo("Europe/Prague")), tick=False)
def test_the_api_filters_like_the_web_list(client):
    ikea = FunderFactory(name="IKEA")
    ngo = OrganisationFactory()
    ProjectFactory(
        title="Running IKEA",
        funders=[ikea],
        organisations=[ngo],
        topics=["employment"],
        start_month=date(2024, 1, 1),
        end_month=date(2024, 12, 1),
    )
    ProjectFactory(
        title="Finished IKEA",
        funders=[ikea],
        start_month=date(2020, 1, 1),
        end_month=date(2020, 12, 1),
    )
    ProjectFactory(title="Other", start_month=date(2025, 1, 1), end_month=date(2025, 2, 1))

    def listed(**params) -> list[str]:
        return [project["title"] for project in client.get(PROJECTS, params).json()["results"]]

    assert listed(funder=ikea.pk, sort="title") == ["Finished IKEA", "Running IKEA"]
    assert listed(status="running") == ["Running IKEA"]
    assert listed(status="upcoming") == ["Other"]
    assert listed(organisation=ngo.pk) == ["Running IKEA"]
    assert listed(topic="employment") == ["Running IKEA"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"funder": "abc"}, "funder"),
        ({"status": "someday"}, "status"),
        ({"topic": "astrology"}, "topic"),
        ({"sort": "price"}, "sort"),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(client, params, field):
    response = client.get(PROJECTS, params)
    assert response.status_code == 400
    assert field in response.json()


def test_the_project_list_has_a_fixed_number_of_queries(client, django_assert_num_queries):
    funder, organisation = FunderFactory(), OrganisationFactory()
    for _ in range(30):
        ProjectFactory(funders=[funder], organisations=[organisation])
    with django_assert_num_queries(4):  # count, page, funders, organisation links
        body = client.get(PROJECTS).json()
    assert body["count"] == 30


def test_a_project_and_the_funders_with_their_project_counts(client):
    ikea = FunderFactory(name="IKEA", kind="company")
    FunderFactory(name="EPIM", kind="foundation")
    project = ProjectFactory(title="Skills", funders=[ikea])

    assert client.get(f"{PROJECTS}{project.pk}/").json()["title"] == "Skills"
    assert client.get(f"{PROJECTS}999999/").status_code == 404
    funders = client.get(FUNDERS).json()["results"]
    assert [(funder["name"], funder["project_count"]) for funder in funders] == [
        ("EPIM", 0),
        ("IKEA", 1),
    ]
    assert [
        funder["name"] for funder in client.get(FUNDERS, {"kind": "company"}).json()["results"]
    ] == ["IKEA"]
    assert "kind" in client.get(FUNDERS, {"kind": "bank"}).json()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only_even_for_coordinators(client, coordinator, method):
    project = ProjectFactory(title="Skills")
    client.force_login(coordinator)
    target = PROJECTS if method == "post" else f"{PROJECTS}{project.pk}/"
    response = getattr(client, method)(
        target, {"title": "Changed"}, content_type="application/json"
    )
    assert response.status_code in (403, 405)
    assert Project.objects.get().title == "Skills"
    funder_response = client.post(FUNDERS, {"name": "New"}, content_type="application/json")
    assert funder_response.status_code in (403, 405)
