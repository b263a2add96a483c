"""Parsing the consortium's pipe-separated project list. Pure: no ORM, no files.

A row is ``title | funder | period | description |``. Real files throw at it:

- rows that repeat (the website lists a project once per page it appears on),
- a row wrapped over two or three lines (the break may fall anywhere, even after a ``|``),
- en dash, em dash or hyphen between the months of a period,
- months written ``1/2020``, ``01/2020`` or ``012/2020`` (that last one is December),
- several funders run together in one cell (see ``catalogue.funders``),
- lines that are not rows at all (headings, news, "No records have been found.").

``parse_projects`` returns the rows it understood and, for every other non-blank line, its
line number and the reason. Duplicates are not removed here: the import service does that by
``ProjectRow.identity_key``, so it can count them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from catalogue.funders import fold, split_funders
from catalogue.topics import topics_for

# A wrapped row is joined from at most this many physical lines.
MAX_ROW_LINES = 3
MIN_YEAR, MAX_YEAR = 1990, 2100

_MONTH = r"(\d{1,3})\s*[/.]\s*(\d{4})"
_PERIOD = re.compile(rf"^{_MONTH}\s*[-‐‑‒–—―−]+\s*{_MONTH}$")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"'})
_DASHES = re.compile(r"[‐‑‒–—―−]")


class PeriodError(ValueError):
    """A period cell that cannot be read; the message says why."""


@dataclass(frozen=True)
class ProjectRow:
    line: int
    title: str
    funders: tuple[str, ...]
    start_month: date
    end_month: date
    description: str
    topics: tuple[str, ...] = ()

    @property
    def identity_key(self) -> str:
        return identity_key(
            title=self.title,
            funders=self.funders,
            start_month=self.start_month,
            end_month=self.end_month,
        )


@dataclass(frozen=True)
class SkippedLine:
    line: int
    reason: str
    text: str


@dataclass
class ParseResult:
    rows: list[ProjectRow] = field(default_factory=list)
    skipped: list[SkippedLine] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Display form: NFC, single spaces, no stray whitespace at the ends."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalise_title(title: str) -> str:
    """Comparison form of a title: typographic quotes and dashes, case and spacing do not
    make a different project."""
    text = unicodedata.normalize("NFKC", title).translate(_QUOTES)
    return " ".join(_DASHES.sub("-", text).casefold().split())


def identity_key(
    *, title: str, funders: tuple[str, ...] | list[str], start_month: date, end_month: date
) -> str:
    """One project is one title, funder set and period after normalisation (a hash, so the
    unique index stays small whatever the title length)."""
    funder_part = "+".join(sorted({fold(name) for name in funders}))
    raw = f"{normalise_title(title)}|{funder_part}|{start_month:%Y-%m}|{end_month:%Y-%m}"
    return hashlib.sha256(raw.encode()).hexdigest()


def _month(month_text: str, year_text: str) -> date:
    month, year = int(month_text), int(year_text)
    if not 1 <= month <= 12:
        raise PeriodError(f"month {month_text} is not between 1 and 12")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PeriodError(f"year {year_text} is out of range")
    return date(year, month, 1)


def parse_period(text: str) -> tuple[date, date]:
    """``05/2020—012/2020`` → (2020-05-01, 2020-12-01): first days of the first and last month.

    Leading zeros are ignored, so ``1``, ``01`` and ``012`` are January, January and December.
    """
    match = _PERIOD.match(text.strip())
    if match is None:
        raise PeriodError(f"period {text.strip()!r} is not MM/YYYY–MM/YYYY")
    start = _month(match.group(1), match.group(2))
    end = _month(match.group(3), match.group(4))
    if end < start:
        raise PeriodError(f"period {text.strip()!r} ends before it starts")
    return start, end


def _is_complete(buffer: str) -> bool:
    return buffer.endswith("|") and buffer.count("|") >= 4


def _row_from(buffer: str, line: int) -> ProjectRow | SkippedLine:
    body = buffer[:-1] if buffer.endswith("|") else buffer
    cells = [cell.strip() for cell in body.split("|")]
    if len(cells) < 4:
        return SkippedLine(line, f"incomplete row: {len(cells)} of 4 cells", buffer)
    title, funder_cell, period_cell = (clean_text(cell) for cell in cells[:3])
    # A "|" inside the description is text, not a fifth column.
    description = clean_text(" | ".join(cells[3:]))
    if not title:
        return SkippedLine(line, "the title is empty", buffer)
    try:
        start, end = parse_period(period_cell)
    except PeriodError as error:
        return SkippedLine(line, str(error), buffer)
    return ProjectRow(
        line=line,
        title=title,
        funders=split_funders(funder_cell),
        start_month=start,
        end_month=end,
        description=description,
        topics=topics_for(f"{title} {description}"),
    )


def parse_projects(text: str) -> ParseResult:
    """Rows and skipped lines of a whole file, with 1-based line numbers.

    Steps: skip blank lines; a line without ``|`` is not a row; a line with ``|`` starts a row,
    and while the row is not complete (4 cells ending in ``|``) the next lines are joined to
    it, unless a next line is blank or a complete row itself. A fragment that never completes
    is reported and the lines after it are read again on their own.
    """
    result = ParseResult()
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped:
            index += 1
            continue
        if "|" not in stripped:
            result.skipped.append(SkippedLine(index + 1, "not a project row (no | )", stripped))
            index += 1
            continue
        buffer, last = stripped, index
        while (
            not _is_complete(buffer) and last + 1 < len(lines) and last - index + 1 < MAX_ROW_LINES
        ):
            following = lines[last + 1].strip()
            if not following or _is_complete(following):
                break
            buffer, last = f"{buffer} {following}", last + 1
        if not _is_complete(buffer) and buffer.count("|") < 3:
            result.skipped.append(
                SkippedLine(index + 1, "incomplete row: fewer than 4 cells", stripped)
            )
            index += 1
            continue
        parsed = _row_from(buffer, index + 1)
        if isinstance(parsed, SkippedLine):
            result.skipped.append(parsed)
        else:
            result.rows.append(parsed)
        index = last + 1
    return result
