"""Importing into the database: the real seed file, re-imports, updates, the command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalogue.importer import parse_projects
from catalogue.models import Funder, Project
from catalogue.services import SEED_FILE, projects_import, projects_import_seed

pytestmark = pytest.mark.django_db


def import_text(text: str, source: str = "test.txt"):
    return projects_import(rows=parse_projects(text).rows, source=source)


def test_the_seed_gives_16_distinct_projects_with_periods_and_split_funders():
    report = projects_import_seed()

    assert report.created == 16
    assert report.read == 28
    assert report.duplicates == 12
    assert len(report.skipped) == 43
    assert Project.objects.count() == 16
    # "1/2020" and "01/2020" are the same month: one project, not two.
    evaluation = Project.objects.get(title="Evaluation of projects funded by EU from 2014 to 2020")
    assert (evaluation.start_month, evaluation.end_month) == (date(2020, 1, 1), date(2021, 7, 1))
    training = Project.objects.get(title="Training of intercultural workers")
    assert training.end_month == date(2020, 12, 1)  # "012/2020"
    pomahej = Project.objects.get(title="Pomáhej Ukrajině")
    assert sorted(funder.name for funder in pomahej.funders.all()) == [
        "Livesport",
        "MV ČR",
        "People in Need",
    ]
    public_offers = Project.objects.get(title="Public offers of help at pomahejukrajine.cz")
    assert sorted(funder.name for funder in public_offers.funders.all()) == [
        "J&T Foundation",
        "MHMP",
    ]
    assert public_offers.start_month == date(2023, 1, 1)  # the wrapped row's period
    assert Funder.objects.get(name="MV ČR").kind == "ministry"
    assert Funder.objects.filter(name__icontains="Livesport").count() == 1
    assert pomahej.organisation_links.get().organisation.name.startswith("Konsorcium")


def test_importing_the_seed_twice_leaves_16_and_changes_nothing():
    projects_import_seed()
    imported_at = dict(Project.objects.values_list("pk", "imported_at"))

    report = projects_import_seed()

    assert (report.created, report.updated, report.unchanged) == (0, 0, 16)
    assert Project.objects.count() == 16
    assert dict(Project.objects.values_list("pk", "imported_at")) == imported_at
    assert Funder.objects.count() == len(set(Funder.objects.values_list("name", flat=True)))


def test_an_updated_file_updates_the_project_instead_of_duplicating_it():
    import_text("Skills | IKEA | 01/2021—08/2023 | Old text. |")
    # Same title, funders and period in another spelling, with a new description.
    report = import_text("skills  | ikea | 1/2021–08/2023 | New text. |", source="v2.txt")

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    project = Project.objects.get()
    assert project.description == "New text."
    assert project.source == "v2.txt"


def test_a_different_period_is_a_different_project():
    import_text("Skills | IKEA | 01/2021—08/2023 | Text. |")
    report = import_text("Skills | IKEA | 01/2024—08/2025 | Text. |")
    assert report.created == 1
    assert Project.objects.count() == 2


def test_reimport_keeps_topics_a_coordinator_edited():
    import_text("Skills | IKEA | 01/2021—08/2023 | Jobs for refugees. |")
    Project.objects.update(topics=["housing"])
    import_text("Skills | IKEA | 01/2021—08/2023 | Jobs for refugees. |")
    assert Project.objects.get().topics == ["housing"]


def test_the_command_prints_counts_and_skipped_lines(tmp_path):
    path = tmp_path / "projects.txt"
    path.write_text(
        "Heading\nSkills | IKEA | 01/2021—08/2023 | Jobs. |\n"
        "Skills | IKEA | 01/2021—08/2023 | Jobs. |\nBad | IKEA | 13/2021—08/2023 | x |\n",
        encoding="utf-8",
    )
    out = StringIO()
    call_command("import_projects", str(path), stdout=out)
    output = out.getvalue()
    assert "line 1: skipped, not a project row" in output
    assert "line 4: skipped, month 13 is not between 1 and 12" in output
    assert "read 2 rows: 1 created, 0 updated, 0 unchanged, 1 repeated rows, 2 lines skipped" in (
        output
    )


def test_the_command_on_the_seed_twice_reports_16_unchanged():
    call_command("import_projects", str(SEED_FILE), stdout=StringIO())
    out = StringIO()
    call_command("import_projects", str(SEED_FILE), stdout=out)
    assert "0 created, 0 updated, 16 unchanged" in out.getvalue()
    assert Project.objects.count() == 16


@pytest.mark.parametrize("make_path", [lambda tmp: tmp / "missing.txt", lambda tmp: tmp])
def test_the_command_fails_on_a_file_it_cannot_read(tmp_path, make_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_projects", str(make_path(tmp_path)), stdout=StringIO())


def test_the_command_fails_on_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin2.txt"
    path.write_bytes("Právní | MV ČR | 01/2021—08/2023 | x |".encode("cp1250"))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_projects", str(path), stdout=StringIO())


def test_the_command_exits_non_zero_on_an_unreadable_file(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    manage = Path(__file__).resolve().parents[2] / "manage.py"
    result = subprocess.run(
        [sys.executable, str(manage), "import_projects", str(tmp_path / "missing.txt")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "Cannot read" in result.stderr
