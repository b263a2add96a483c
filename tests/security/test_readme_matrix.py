"""The README's permission table is the matrix the tests play, not a copy that drifts."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from accounts.management.commands.permission_matrix import BEGIN, END, readme_with_matrix
from accounts.permissions import MATRIX, ROLES


def test_readme_table_is_the_matrix():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
    assert BEGIN in readme and END in readme
    assert readme == readme_with_matrix(readme), (
        "README.md's permission table is out of date: run manage.py permission_matrix --write"
    )


def test_command_prints_one_row_per_cell_and_one_column_per_role():
    out = StringIO()
    call_command("permission_matrix", stdout=out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("| ")]
    assert len(rows) == len(MATRIX) + 1  # the header
    assert all(row.count("|") == len(ROLES) + 3 for row in rows)
    assert "| sensitive need (psychological aid, region X) | view |" in out.getvalue()
