"""Statistical disclosure control for the public statistics: pure functions, no ORM.

The rule (README, "Public statistics"):

1. A count of 0 is published as 0.
2. A count of 1–4 is published as ``"<5"`` (primary suppression): a handful of people in one
   region, category or week could be recognised.
3. Every other count, and every total, is published rounded to the nearest multiple of 5
   (5–7 → 5, 8–12 → 10, ...). Totals are rounded from the true sum, never summed from
   published cells.

Why rounding and not only suppression: offers by region and offers by category add up to the
same number. If any table published exact counts, its sum would give that number exactly and
subtracting the exact cells of another table would recover the one suppressed cell there.
With every published figure uncertain by up to ±2, subtraction only ever yields a range of
several people, never a suppressed cell's value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

THRESHOLD = 5
ROUNDING_BASE = 5
SUPPRESSED = "<5"

Published = int | str


def round_to_base(count: int, base: int = ROUNDING_BASE) -> int:
    """The nearest multiple of ``base``, halves rounded up (7 → 5, 8 → 10)."""
    return base * ((count + base // 2) // base)


def publish_count(count: int) -> Published:
    """One count as it may be published: 0, "<5", or rounded to a multiple of 5."""
    if count < 0:
        raise ValueError("A count cannot be negative.")
    if count == 0:
        return 0
    if count < THRESHOLD:
        return SUPPRESSED
    return round_to_base(count)


def publish_total(counts: Iterable[int]) -> Published:
    """A total over true counts, published by the same rule as a cell (so a total of 1–4
    people is suppressed too)."""
    return publish_count(sum(counts))


def publish_row(counts: Mapping[str, int]) -> dict[str, Published]:
    return {key: publish_count(value) for key, value in counts.items()}


def publish_duration_days(days: float | None, *, people: int, decimals: int = 1) -> float | None:
    """A median or percentile in days, only when it is computed over at least THRESHOLD
    needs: a median of one or two is that person's own waiting time."""
    if days is None or people < THRESHOLD:
        return None
    return round(days, decimals)


def bar_value(value: Published) -> int:
    """The length a chart gives a published value: suppressed cells get no bar (their
    label says "<5"), so the chart leaks no more than the table."""
    return value if isinstance(value, int) else 0
