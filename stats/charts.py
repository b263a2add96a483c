"""Bar charts drawn as plain SVG in the template: no script, no CDN, no inline style (the CSP
forbids it), and the same numbers as the table next to them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stats.suppression import Published, bar_value

BAR_MAX_WIDTH = 240
ROW_HEIGHT = 28
LABEL_WIDTH = 200


@dataclass(frozen=True)
class Bar:
    side: str
    value: Published
    width: int
    y: int


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Chart:
    rows: tuple[ChartRow, ...]
    height: int
    width: int
    label_width: int


def bar_chart(rows: list[dict[str, Any]], *, label_key: str, sides: tuple[str, ...]) -> Chart:
    """Horizontal bars, one per side in each row, scaled to the largest published value.
    Suppressed values ("<5") get no bar, so the picture tells no more than the table."""
    largest = max((bar_value(row[side]) for row in rows for side in sides), default=0) or 1
    chart_rows = []
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT * len(sides)
        bars = tuple(
            Bar(
                side=side,
                value=row[side],
                width=round(bar_value(row[side]) * BAR_MAX_WIDTH / largest),
                y=top + position * ROW_HEIGHT,
            )
            for position, side in enumerate(sides)
        )
        chart_rows.append(ChartRow(label=str(row[label_key] or ""), y=top, bars=bars))
    height = max(len(rows) * ROW_HEIGHT * len(sides), ROW_HEIGHT)
    return Chart(
        rows=tuple(chart_rows),
        height=height,
        width=LABEL_WIDTH + BAR_MAX_WIDTH + 60,
        label_width=LABEL_WIDTH,
    )
