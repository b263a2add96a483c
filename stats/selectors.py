"""Reads of the public statistics: raw counts from the database, then published through
``stats.suppression`` (nothing raw leaves this module) and cached for a few minutes.

No personal data goes in: only categories, regions, ISO weeks, match statuses and counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone, translation
from django.utils.translation import gettext

from matching.models import Match, MatchStatus
from needs.models import Need
from offers.models import Offer
from posts.models import Category, Post, PostStatus
from stats.suppression import (
    Published,
    publish_count,
    publish_duration_days,
    publish_total,
)

CACHE_KEY = "stats:public:v1:{language}"
SIDES = ("offers", "needs")


@dataclass
class RawStats:
    """True counts; never rendered or serialised as such."""

    by_category: dict[int, dict[str, int]] = field(default_factory=dict)
    by_region: dict[str, dict[str, int]] = field(default_factory=dict)
    by_week: dict[dt.date, dict[str, int]] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    connected_needs: int = 0
    median_days: float | None = None
    p75_days: float | None = None


def _posted(model: type[Post]) -> QuerySet[Post]:
    """Posts that were ever published: no drafts, nothing a coordinator hid (spam, abuse)."""
    return model.objects.exclude(status=PostStatus.DRAFT).filter(hidden_at__isnull=True)


def _grouped(queryset: QuerySet, key) -> dict[Any, int]:
    rows = queryset.annotate(key=key).values("key").annotate(total=Count("pk")).order_by()
    return {row["key"]: row["total"] for row in rows}


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


_DURATION_SQL = f"""
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_at - n.created_at)),
       percentile_cont(0.75) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_at - n.created_at)),
       count(*)
FROM (SELECT m.need_id, min(m.connected_at) AS first_at
      FROM {Match._meta.db_table} m
      WHERE m.connected_at IS NOT NULL
      GROUP BY m.need_id) f
JOIN {Need._meta.db_table} n ON n.id = f.need_id
WHERE n.hidden_at IS NULL
"""


def raw_stats(*, today: dt.date | None = None, weeks: int | None = None) -> RawStats:
    """Posted offers and needs by general category, region and week (the last ``weeks``
    weeks, this one included), matches by status, and the median and 75th percentile of the
    time from a need's creation to its first connection. Eight queries."""
    today = today or timezone.localdate()
    weeks = weeks or settings.POMOC_STATS_WEEKS
    raw = RawStats()
    first_week = week_start(today) - dt.timedelta(weeks=weeks - 1)
    for side, model in (("offers", Offer), ("needs", Need)):
        posted = _posted(model)
        for root, total in _grouped(posted, Coalesce("category__parent_id", "category_id")).items():
            raw.by_category.setdefault(root, dict.fromkeys(SIDES, 0))[side] = total
        for region, total in _grouped(posted, F("region")).items():
            raw.by_region.setdefault(region or "", dict.fromkeys(SIDES, 0))[side] = total
        recent = posted.filter(created_at__date__gte=first_week)
        for week, total in _grouped(recent, TruncWeek("created_at")).items():
            day = timezone.localtime(week).date() if isinstance(week, dt.datetime) else week
            raw.by_week.setdefault(week_start(day), dict.fromkeys(SIDES, 0))[side] += total
    for offset in range(weeks):
        raw.by_week.setdefault(first_week + dt.timedelta(weeks=offset), dict.fromkeys(SIDES, 0))
    raw.outcomes = _grouped(Match.objects.all(), F("status"))
    with connection.cursor() as cursor:
        cursor.execute(_DURATION_SQL)
        median, p75, connected = cursor.fetchone()
    raw.connected_needs = connected or 0
    if median is not None:
        raw.median_days = median / 86400
        raw.p75_days = p75 / 86400
    return raw


def _publish_rows(rows: list[tuple[dict[str, Any], dict[str, int]]]) -> list[dict[str, Any]]:
    return [
        {**label, **{side: publish_count(counts[side]) for side in SIDES}} for label, counts in rows
    ]


def _totals(rows: list[dict[str, Any]]) -> dict[str, Published]:
    """Totals of a published table, from its published cells only."""
    return {side: publish_total(row[side] for row in rows) for side in SIDES}


def publish(raw: RawStats) -> dict[str, Any]:
    """The published statistics: every count through ``publish_count``, every total from
    the table's published cells through ``publish_total``; the durations only over five
    needs or more."""
    categories = {
        category.pk: category
        for category in Category.objects.filter(parent__isnull=True).order_by("position", "slug")
    }
    by_category = _publish_rows(
        [
            (
                {"category": category.slug, "name": category.name},
                raw.by_category.get(pk, dict.fromkeys(SIDES, 0)),
            )
            for pk, category in categories.items()
        ]
    )
    regions = sorted(raw.by_region, key=lambda region: (not region, region))
    by_region = _publish_rows([({"region": region}, raw.by_region[region]) for region in regions])
    weeks = sorted(raw.by_week)
    by_week = _publish_rows(
        [
            (
                {
                    "week": f"{week.isocalendar().year}-W{week.isocalendar().week:02d}",
                    "starts": week.isoformat(),
                },
                raw.by_week[week],
            )
            for week in weeks
        ]
    )
    outcomes = [
        {
            "status": status.value,
            "name": str(status.label),
            "matches": publish_count(raw.outcomes.get(status.value, 0)),
        }
        for status in MatchStatus
    ]
    return {
        "rule": gettext(
            "Counts of 1–4 are shown as “<5” and every other count is rounded to the nearest "
            "multiple of 5. Totals are added up from the figures shown (each “<5” counted as "
            "2.5) and rounded again, so they may differ slightly between tables. Times are "
            "shown only when at least 5 needs were connected."
        ),
        "totals": _totals(by_category),
        "by_category": by_category,
        "by_region": by_region,
        "by_region_totals": _totals(by_region),
        "by_week": by_week,
        "by_week_totals": _totals(by_week),
        "match_outcomes": outcomes,
        "match_outcomes_total": publish_total(row["matches"] for row in outcomes),
        "time_to_connection": {
            "needs_connected": publish_count(raw.connected_needs),
            "median_days": publish_duration_days(raw.median_days, people=raw.connected_needs),
            "p75_days": publish_duration_days(raw.p75_days, people=raw.connected_needs),
        },
    }


def public_stats() -> dict[str, Any]:
    """The published statistics in the active language, cached for
    ``POMOC_STATS_CACHE_SECONDS`` (the counts change slowly; the page is public)."""
    key = CACHE_KEY.format(language=translation.get_language() or settings.LANGUAGE_CODE)
    data = cache.get(key)
    if data is None:
        data = publish(raw_stats())
        data["generated_at"] = timezone.now().isoformat()
        cache.set(key, data, settings.POMOC_STATS_CACHE_SECONDS)
    return data
