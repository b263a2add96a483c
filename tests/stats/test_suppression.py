"""The disclosure rule itself: pure functions, no database."""

from __future__ import annotations

from itertools import product

import pytest

from stats.suppression import (
    SUPPRESSED,
    bar_value,
    publish_count,
    publish_duration_days,
    publish_total,
)


@pytest.mark.parametrize(
    ("count", "published"),
    [(0, 0), (1, "<5"), (2, "<5"), (4, "<5"), (5, 5), (7, 5), (8, 10), (12, 10), (13, 15)],
)
def test_small_counts_are_suppressed_and_others_rounded_to_five(count, published):
    assert publish_count(count) == published


def test_a_negative_count_is_a_bug():
    with pytest.raises(ValueError):
        publish_count(-1)


def test_a_total_is_estimated_from_the_published_cells():
    assert publish_total([10, SUPPRESSED]) == 15  # 12.5, rounded half up
    assert publish_total([10, 20]) == 30
    assert publish_total([0, SUPPRESSED]) == SUPPRESSED
    assert publish_total([SUPPRESSED, SUPPRESSED]) == 5
    assert publish_total([]) == 0


def test_no_total_helps_to_recover_a_suppressed_cell():
    # Given every table of two or three cells with counts 0-19, when an attacker groups the
    # true tables by what is published (cells and total), then for each suppressed cell the
    # true tables behind one publication still hold every value from 1 to 4.
    for size in (2, 3):
        behind: dict[tuple, set[tuple[int, ...]]] = {}
        for counts in product(range(20), repeat=size):
            cells = tuple(publish_count(count) for count in counts)
            behind.setdefault((cells, publish_total(cells)), set()).add(counts)
        for (cells, _total), tables in behind.items():
            for position, cell in enumerate(cells):
                if cell == SUPPRESSED:
                    assert {table[position] for table in tables} == {1, 2, 3, 4}


def test_a_time_over_fewer_than_five_needs_is_not_published():
    assert publish_duration_days(3.14159, people=4) is None
    assert publish_duration_days(3.14159, people=5) == 3.1
    assert publish_duration_days(None, people=50) is None


def test_a_suppressed_cell_draws_no_bar():
    assert bar_value(SUPPRESSED) == 0
    assert bar_value(15) == 15
