"""The catalogue pages and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from catalogue.services import projects_import_seed
from tests.factories import (
    FunderFactory,
    NeedFactory,
    OfferFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
    category,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"catalogue:{name}", args=args)


def read_csv(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("language", ["cs", "uk", "en"])
def test_the_list_shows_the_seed_projects_in_every_language(client, language):
    projects_import_seed()
    response = client.get(url("project_list", language=language))
    assert response.status_code == 200
    assert "Pomáhej Ukrajině" in response.content.decode()
    assert len(response.context["page"].object_list) == 16


def test_the_list_filters_by_query_string_and_keeps_it_in_the_csv_link(client):
    ikea = FunderFactory(name="IKEA")
    ProjectFactory(title="Skills for Employment", funders=[ikea])
    ProjectFactory(title="Other")
    response = client.get(url("project_list"), {"funder": ikea.pk, "q": "skills"})
    content = response.content.decode()
    assert "Skills for Employment" in content
    assert "Other" not in content
    assert f"export.csv?funder={ikea.pk}&amp;q=skills" in content


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"funder": "abc"}, "Funder"),
        ({"organisation": "999999"}, "Organisation"),
        ({"status": "someday"}, "Status"),
        ({"topic": "astrology"}, "Topic"),
        ({"sort": "price"}, "Sort"),
        ({"q": "x" * 300}, "Search"),
    ],
)
def test_a_bad_filter_is_explained_and_the_page_still_works(client, params, field):
    ProjectFactory(title="Still listed")
    response = client.get(url("project_list"), params)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert any(message.startswith(f"{field}:") for message in messages)
    assert "Still listed" in response.content.decode()


def test_the_list_is_paginated_with_a_fixed_number_of_queries(client, django_assert_num_queries):
    funder, organisation = FunderFactory(), OrganisationFactory()
    for number in range(25):
        ProjectFactory(
            title=f"Project {number:02d}", funders=[funder], organisations=[organisation]
        )
    # session-less anonymous request: count, page, funders, organisation links, and the
    # filter form's funder, organisation and region choices.
    with django_assert_num_queries(7):
        response = client.get(url("project_list"), {"sort": "title"})
    assert len(response.context["page"].object_list) == 20
    second = client.get(url("project_list"), {"sort": "title", "page": 2})
    assert [project.title for project in second.context["page"]] == [
        f"Project {number}" for number in range(20, 25)
    ]
    assert client.get(url("project_list"), {"page": "last-but-one"}).status_code == 200


def test_the_project_page_shows_funders_period_and_organisations(client):
    organisation = OrganisationFactory(name="Poradna pro integraci")
    project = ProjectFactory(
        title="Training of intercultural workers",
        start_month=date(2020, 5, 1),
        end_month=date(2020, 12, 1),
        funders=[FunderFactory(name="MHMP", full_name="Prague City Hall", kind="city")],
        organisations=[organisation],
        topics=["education"],
    )
    response = client.get(url("project_detail", project.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "05/2020–12/2020" in content
    assert "MHMP" in content and "Prague City Hall" in content
    assert "Poradna pro integraci" in content
    assert "Education and training" in content


def test_an_unknown_project_is_404(client):
    assert client.get(url("project_detail", 999999)).status_code == 404


def test_the_organisation_page_lists_projects_offers_and_needs_without_contacts(client):
    organisation = OrganisationFactory(
        name="Spolek Most", email="office@most.example", phone="+420 111 222 333"
    )
    owner = UserFactory(
        display_name="Jana Nováková", email="jana@private.example", phone="+420 777 123 456"
    )
    ProjectFactory(title="Legal aid for refugees", organisations=[organisation])
    OfferFactory(owner=owner, organisation=organisation, title="Winter coats for families")
    NeedFactory(owner=owner, organisation=organisation, title="Need a Czech teacher")
    OfferFactory(owner=owner, organisation=organisation, title="Withdrawn", status="withdrawn")
    # Accommodation is a sensitive category: hidden from the public even here.
    OfferFactory(
        owner=owner,
        organisation=organisation,
        title="Room for a mother with children",
        category=category("accommodation"),
    )
    OfferFactory(owner=owner, title="Another organisation's offer")

    response = client.get(url("organisation_detail", organisation.pk))
    content = response.content.decode()

    assert response.status_code == 200
    assert "Legal aid for refugees" in content
    assert "Winter coats for families" in content
    assert "Need a Czech teacher" in content
    for hidden in [
        "Withdrawn",
        "Room for a mother with children",
        "Another organisation&#x27;s offer",
        "Jana Nováková",
        "jana@private.example",
        "+420 777 123 456",
        "office@most.example",
        "+420 111 222 333",
    ]:
        assert hidden not in content


def test_the_organisation_page_shows_sensitive_offers_to_verified_staff(client, verified_staff):
    # A member organisation: only verified ones (and those in the catalogue) have a page.
    organisation = OrganisationFactory(verified=True)
    OfferFactory(
        organisation=organisation,
        title="Room for a mother with children",
        category=category("accommodation"),
    )
    client.force_login(verified_staff)
    response = client.get(url("organisation_detail", organisation.pk))
    assert "Room for a mother with children" in response.content.decode()


def test_the_csv_export_has_the_filtered_projects(client):
    projects_import_seed()
    response = client.get(url("project_export"), {"funder": "", "q": "ukrajine"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:5] == ["Title", "Funders", "First month", "Last month", "Status"]
    assert sorted(row[0] for row in rows[1:]) == [
        "Pomáhej Ukrajině",
        "Public offers of help at pomahejukrajine.cz",
    ]
    pomahej = next(row for row in rows if row[0] == "Pomáhej Ukrajině")
    assert pomahej[1] == "Livesport; MV ČR; People in Need"  # funders A–Z
    assert pomahej[2:4] == ["2022-02", "2022-12"]


def test_the_list_with_format_csv_is_the_same_export(client):
    ProjectFactory(title="Training", start_month=date(2020, 5, 1), end_month=date(2020, 12, 1))
    ProjectFactory(title="Other")
    response = client.get(url("project_list"), {"format": "csv", "q": "training"})
    rows = read_csv(response)
    assert [row[0] for row in rows[1:]] == ["Training"]
    assert rows[1][3] == "2020-12"


def test_the_csv_headers_follow_the_language_and_cells_cannot_be_formulas(client):
    ProjectFactory(title='=HYPERLINK("http://evil")', description="+1 trick")
    rows = read_csv(client.get(url("project_export", language="en")))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][-1] == "'+1 trick"
