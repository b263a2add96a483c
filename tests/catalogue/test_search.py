"""Full-text search, filters, status and sorting of ``project_list``."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalogue.selectors import project_list
from tests.factories import FunderFactory, OrganisationFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def titles(queryset) -> list[str]:
    return [project.title for project in queryset]


@pytest.fixture
def czech_projects():
    return [
        ProjectFactory(title="Právní poradna pro uprchlíky", description="Pomoc s pobytem."),
        ProjectFactory(title="Kurzy češtiny", description="Jazykové kurzy pro uprchlíků děti."),
        ProjectFactory(title="Skills for Employment", description="Jobs for refugees."),
    ]


@pytest.mark.parametrize("query", ["uprchlík", "uprchlik", "UPRCHLIK", "Uprchlíky"])
def test_search_finds_czech_words_with_or_without_accents(czech_projects, query):
    found = titles(project_list(query=query))
    assert "Právní poradna pro uprchlíky" in found
    assert "Skills for Employment" not in found


def test_search_matches_word_beginnings_so_czech_endings_do_not_matter(czech_projects):
    # "uprchlik" is the beginning of "uprchlíků" in the second project's description.
    assert sorted(titles(project_list(query="uprchlik"))) == [
        "Kurzy češtiny",
        "Právní poradna pro uprchlíky",
    ]


def test_search_needs_every_word_and_ranks_title_matches_first(czech_projects):
    assert titles(project_list(query="pravni uprchlik")) == ["Právní poradna pro uprchlíky"]
    assert titles(project_list(query="refugee"))[0] == "Skills for Employment"
    assert titles(project_list(query="cestiny")) == ["Kurzy češtiny"]


@pytest.mark.parametrize("query", ["'", "a & | ! ( ) :*", "<script>", "   "])
def test_search_with_operator_characters_never_errors(czech_projects, query):
    assert isinstance(titles(project_list(query=query)), list)


@pytest.fixture
def dated_projects():
    return {
        "finished": ProjectFactory(
            title="Finished", start_month=date(2023, 1, 1), end_month=date(2024, 5, 1)
        ),
        "ends this month": ProjectFactory(
            title="Ends this month", start_month=date(2024, 1, 1), end_month=date(2024, 6, 1)
        ),
        "running": ProjectFactory(
            title="Running", start_month=date(2024, 6, 1), end_month=date(2025, 6, 1)
        ),
        "upcoming": ProjectFactory(
            title="Upcoming", start_month=date(2024, 7, 1), end_month=date(2025, 6, 1)
        ),
    }


@time_machine.travel(datetime(2024, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Prague")), tick=False)
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("running", ["Ends this month", "Running"]),
        ("finished", ["Finished"]),
        ("upcoming", ["Upcoming"]),
        ("", ["Ends this month", "Finished", "Running", "Upcoming"]),
    ],
)
def test_status_is_derived_from_the_months_and_today(dated_projects, status, expected):
    assert sorted(titles(project_list(status=status))) == expected
    for project in project_list(status=status):
        assert not status or project.status == status


@time_machine.travel(datetime(2024, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/Prague")), tick=False)
def test_a_month_later_the_project_that_ended_in_june_is_finished(dated_projects):
    assert sorted(titles(project_list(status="finished"))) == ["Ends this month", "Finished"]
    assert sorted(titles(project_list(status="running"))) == ["Running", "Upcoming"]


def test_filters_by_funder_organisation_and_topic_combine():
    ikea, mhmp = FunderFactory(name="IKEA"), FunderFactory(name="MHMP")
    ngo = OrganisationFactory(name="Poradna")
    ProjectFactory(title="A", funders=[ikea], organisations=[ngo], topics=["legal"])
    ProjectFactory(title="B", funders=[ikea, mhmp], topics=["education"])
    ProjectFactory(title="C", funders=[mhmp], organisations=[ngo], topics=["legal", "housing"])

    assert sorted(titles(project_list(funder=ikea))) == ["A", "B"]
    assert sorted(titles(project_list(organisation=ngo))) == ["A", "C"]
    assert sorted(titles(project_list(topic="legal"))) == ["A", "C"]
    assert titles(project_list(funder=mhmp, organisation=ngo, topic="housing")) == ["C"]


def test_sort_by_start_or_title():
    ProjectFactory(title="Beta", start_month=date(2020, 1, 1), end_month=date(2020, 2, 1))
    ProjectFactory(title="Alpha", start_month=date(2022, 1, 1), end_month=date(2022, 2, 1))
    ProjectFactory(title="Gamma", start_month=date(2021, 1, 1), end_month=date(2021, 2, 1))

    assert titles(project_list()) == ["Alpha", "Gamma", "Beta"]  # newest first by default
    assert titles(project_list(sort="start")) == ["Beta", "Gamma", "Alpha"]
    assert titles(project_list(sort="title")) == ["Alpha", "Beta", "Gamma"]


def test_search_is_answered_from_the_gin_index(czech_projects):
    from django.db import connection

    with connection.cursor() as cursor:
        # Three rows would be read sequentially anyway; forbid that to see the index is usable.
        cursor.execute("SET LOCAL enable_seqscan = off")
    assert "project_search_gin" in project_list(query="uprchlik").explain()
