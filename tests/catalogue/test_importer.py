"""The parser and the funder splitting: pure functions, no database."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.funders import FunderKind, funder_kind, split_funders
from catalogue.importer import PeriodError, identity_key, parse_period, parse_projects
from catalogue.topics import topics_for

DESCRIPTION = "Legal counselling for refugees."


def row(title="Legal aid", funder="OP AMIF", period="03/2024–03/2026", text=DESCRIPTION):
    return f"{title} | {funder} | {period} | {text} |"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("03/2024–03/2026", date(2024, 3, 1), date(2026, 3, 1)),  # en dash
        ("01/2023—12/2023", date(2023, 1, 1), date(2023, 12, 1)),  # em dash
        ("01/2023-12/2023", date(2023, 1, 1), date(2023, 12, 1)),  # hyphen
        ("1/2020—07/2021", date(2020, 1, 1), date(2021, 7, 1)),  # no leading zero
        ("05/2020—012/2020", date(2020, 5, 1), date(2020, 12, 1)),  # 012 is December
        (" 05 / 2020 – 06 / 2020 ", date(2020, 5, 1), date(2020, 6, 1)),  # stray spaces
    ],
)
def test_periods_in_every_spelling_give_first_and_last_month(text, start, end):
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("13/2020–12/2021", "month 13"),
        ("00/2020–12/2021", "month 00"),
        ("05/2021–04/2021", "ends before it starts"),
        ("spring 2020", "is not MM/YYYY"),
        ("05/2020", "is not MM/YYYY"),
    ],
)
def test_unreadable_periods_say_why(text, reason):
    with pytest.raises(PeriodError, match=reason):
        parse_period(text)


def test_a_complete_row_is_read_with_its_fields():
    result = parse_projects(row())
    assert result.skipped == []
    [project] = result.rows
    assert project.title == "Legal aid"
    assert project.funders == ("OP AMIF",)
    assert (project.start_month, project.end_month) == (date(2024, 3, 1), date(2026, 3, 1))
    assert project.description == DESCRIPTION
    assert project.line == 1


def test_a_row_wrapped_after_the_funder_cell_is_joined():
    text = "Public offers of help | MHMP J&T Foundation |\n01/2023—12/2023 | Web platform. |\n"
    [project] = parse_projects(text).rows
    assert project.funders == ("MHMP", "J&T Foundation")
    assert project.end_month == date(2023, 12, 1)
    assert project.description == "Web platform."


def test_a_row_wrapped_inside_the_description_is_joined():
    text = "Title | IKEA | 01/2021—08/2023 | The aim of the project\nis to find jobs. |"
    [project] = parse_projects(text).rows
    assert project.description == "The aim of the project is to find jobs."


def test_repeated_rows_are_all_returned_with_the_same_identity():
    result = parse_projects("\n".join([row(), row(), row(period="3/2024–03/2026")]))
    assert len(result.rows) == 3
    assert len({parsed.identity_key for parsed in result.rows}) == 1


def test_lines_that_are_not_rows_are_reported_with_line_number_and_reason():
    text = "For our members\n\n" + row() + "\nNo records have been found.\n"
    result = parse_projects(text)
    assert len(result.rows) == 1
    assert [(skip.line, skip.reason) for skip in result.skipped] == [
        (1, "not a project row (no | )"),
        (4, "not a project row (no | )"),
    ]


def test_a_fragment_that_never_completes_is_skipped_and_the_next_row_still_read():
    text = "Orphan title | OP AMIF |\n" + row(title="Next project")
    result = parse_projects(text)
    assert [parsed.title for parsed in result.rows] == ["Next project"]
    assert result.skipped[0].line == 1
    assert "incomplete row" in result.skipped[0].reason


def test_a_row_with_a_bad_period_or_no_title_is_skipped_with_the_reason():
    text = row(period="13/2020–12/2021") + "\n" + row(title="")
    result = parse_projects(text)
    assert result.rows == []
    assert [skip.line for skip in result.skipped] == [1, 2]
    assert "month 13" in result.skipped[0].reason
    assert result.skipped[1].reason == "the title is empty"


def test_a_pipe_inside_the_description_stays_text():
    [project] = parse_projects("T | IKEA | 01/2021–02/2021 | part one | part two |").rows
    assert project.description == "part one | part two"


@pytest.mark.parametrize(
    ("cell", "funders"),
    [
        ("MHMP J&T Foundation", ("MHMP", "J&T Foundation")),
        ("People in Need Livesport MV ČR Livesport", ("People in Need", "Livesport", "MV ČR")),
        ("OP AMIF", ("OP AMIF",)),
        ("mv cr", ("MV ČR",)),  # case and accents do not matter, the known spelling is kept
        ("Nadace Foo Bar", ("Nadace Foo Bar",)),  # unknown text is kept whole
        ("MHMP Nadace Foo IKEA", ("MHMP", "Nadace Foo", "IKEA")),
        ("IKEA, Nadace Foo; MMR", ("IKEA", "Nadace Foo", "MMR")),
        ("", ()),
    ],
)
def test_funder_cells_are_split_against_the_known_list(cell, funders):
    assert split_funders(cell) == funders


def test_known_funders_have_kinds_and_unknown_ones_are_other():
    assert funder_kind("OP AMIF") == FunderKind.EU_PROGRAMME
    assert funder_kind("MV ČR") == FunderKind.MINISTRY
    assert funder_kind("MHMP") == FunderKind.CITY
    assert funder_kind("J&T Foundation") == FunderKind.FOUNDATION
    assert funder_kind("Livesport") == FunderKind.COMPANY
    assert funder_kind("Nadace Foo Bar") == FunderKind.OTHER


def test_identity_ignores_case_spacing_quotes_and_funder_order():
    a = identity_key(
        title="International Migrant’s Day",
        funders=["MHMP", "IKEA"],
        start_month=date(2020, 5, 1),
        end_month=date(2020, 12, 1),
    )
    b = identity_key(
        title="  international  migrant's day ",
        funders=["ikea", "MHMP"],
        start_month=date(2020, 5, 1),
        end_month=date(2020, 12, 1),
    )
    other_period = identity_key(
        title="International Migrant’s Day",
        funders=["MHMP", "IKEA"],
        start_month=date(2021, 5, 1),
        end_month=date(2021, 12, 1),
    )
    assert a == b
    assert a != other_period


def test_topics_are_guessed_from_english_and_czech_words():
    assert topics_for("Free legal counselling for refugees from Ukraine") == ("legal", "ukraine")
    assert topics_for("Právní poradna a bydlení pro uprchlíky") == ("legal", "housing")
    assert "health" not in topics_for("Healthy umbrella, strong network")
