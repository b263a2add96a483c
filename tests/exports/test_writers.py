"""The file writers alone: no database."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from exports.writers import csv_safe, write_csv, write_xlsx

DANGEROUS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_cells_that_a_spreadsheet_would_run_are_prefixed(text):
    assert csv_safe(text) == "'" + text
    content = write_csv(["title"], [[text]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content)))[1] == ["'" + text]


def test_csv_leaves_ordinary_text_and_numbers_alone():
    content = write_csv(["a", "b", "c"], [["Židle pro rodinu", -3, None]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(content)))[1] == ["Židle pro rodinu", "-3", ""]


def test_xlsx_writes_formula_like_text_as_text():
    content = write_xlsx(["title", "when"], [[DANGEROUS[0], dt.date(2026, 1, 2)]], title="offers")
    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet["A2"]
    assert cell.value == DANGEROUS[0] and cell.data_type == "s"
    assert sheet["B2"].value == "2026-01-02"
