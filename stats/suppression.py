"""Statistical disclosure control for the public statistics: pure functions, no ORM.

The rule (README, "Public statistics"):

1. A count of 0 is published as 0.
2. A count of 1–4 is published as ``"<5"`` (primary suppression): a handful of people in one
   region, category or week could be recognised.
3. Every other count is published rounded to the nearest multiple of 5 (5–7 → 5, 8–12 → 10).
4. A total is computed from the *published* cells of its table, never from the true counts:
   the rounded cells, each "<5" counted as 2.5, rounded to a multiple of 5 (a table whose
   only non-zero cell is "<5" has the total "<5"). A total therefore adds nothing to what the
   cells already say, and subtracting cells from it cannot recover a suppressed cell. The
   price: totals are estimates and may differ a little between tables.

Why the cells are rounded as well: offers by region and offers by category count the same
posts. If one table were exact, its sum would be the true number of offers, and subtracting
the exact cells of the other table would give its one suppressed cell. With every published
figure uncertain by ±2, such subtraction leaves a range of values; only rare boundary cases
of several tables together narrow a suppressed cell further (README says so).
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


def publish_total(cells: Iterable[Published]) -> Published:
    """A total from already *published* cells (rule 4): the rounded numbers plus 2.5 for
    each "<5", rounded half up to a multiple of 5; "<5" when that is all there is."""
    cells = list(cells)
    suppressed = sum(1 for cell in cells if cell == SUPPRESSED)
    shown = sum(cell for cell in cells if isinstance(cell, int))
    if shown == 0 and suppressed == 1:
        return SUPPRESSED
    # (shown + 2.5 × suppressed) / 5, rounded half up, in integers.
    return ROUNDING_BASE * ((2 * shown + 5 * suppressed + ROUNDING_BASE) // (2 * ROUNDING_BASE))


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
