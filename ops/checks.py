"""Readiness checks for load balancers and monitoring: each answers whether one thing the site
depends on works now, and says why not. Plain functions; ``ops.views`` turns them into JSON."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: dict[str, object] = field(default_factory=dict)


def check_database() -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(ok=True)


def check_cache() -> CheckResult:
    # A round trip through the shared cache, with a value no other probe writes.
    key = f"pomoc:readyz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    seen = cache.get(key)
    cache.delete(key)
    return CheckResult(ok=seen == value, detail={"backend": settings.POMOC_CACHE})


def check_queue() -> CheckResult:
    """Tasks waiting in django-q2's broker (the OrmQ table or the Redis list)."""
    from django_q.brokers import get_broker

    waiting = get_broker().queue_size()
    limit = settings.POMOC_READY_MAX_QUEUE
    return CheckResult(ok=waiting <= limit, detail={"waiting": waiting, "limit": limit})


def check_full_pass() -> CheckResult:
    """How long ago the last full matching pass finished. Passes run every few minutes; when the
    last is far older, the workers are down or stuck and new needs get no proposals.

    A new installation has had no pass yet, and its first comes only once a queue worker runs
    (``make run`` queues one at start; the schedule's comes within a minute of the cluster
    starting). Until then the installation itself counts as the last pass: the check passes,
    saying ``first_pass_pending``, while the database was created (its first migration) less
    than the limit ago and the full-pass schedule exists, and fails after that, as it would
    for workers that stopped. Without the schedule no pass will ever come: that fails at once."""
    from django.db.migrations.recorder import MigrationRecorder
    from django_q.models import Schedule

    from matching.models import MatchRun, RunKind
    from matching.schedules import FULL_PASS_SCHEDULE

    limit = dt.timedelta(minutes=settings.POMOC_READY_MAX_PASS_AGE_MINUTES)
    detail: dict[str, object] = {"limit_minutes": settings.POMOC_READY_MAX_PASS_AGE_MINUTES}
    finished = (
        MatchRun.objects.filter(kind=RunKind.FULL, skipped=False, finished_at__isnull=False)
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )
    if finished is not None:
        age = timezone.now() - finished
        detail |= {
            "last_finished_at": finished.isoformat(),
            "age_seconds": round(age.total_seconds()),
        }
        return CheckResult(ok=age <= limit, detail=detail)

    installed = (
        MigrationRecorder.Migration.objects.order_by("applied")
        .values_list("applied", flat=True)
        .first()
    )
    scheduled = Schedule.objects.filter(name=FULL_PASS_SCHEDULE).exists()
    detail |= {
        "last_finished_at": None,
        "installed_at": installed.isoformat() if installed else None,
        "scheduled": scheduled,
    }
    pending = scheduled and installed is not None and timezone.now() - installed <= limit
    if pending:
        detail["first_pass_pending"] = True
    return CheckResult(ok=pending, detail=detail)


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "database": check_database,
    "cache": check_cache,
    "queue": check_queue,
    "full_pass": check_full_pass,
}


def run_checks(names: list[str]) -> dict[str, dict[str, object]]:
    """Run the named checks; a check that raises has failed, with the error's type and text.
    The database check comes first: when it fails, the checks that read tables are not run."""
    results: dict[str, dict[str, object]] = {}
    reads_tables = {"full_pass"} | (set() if settings.POMOC_REDIS_URL else {"queue"})
    database_down = False
    for name in names:
        if database_down and name in reads_tables:
            results[name] = {"ok": False, "error": "database unavailable"}
            continue
        try:
            result = CHECKS[name]()
        except Exception as error:  # any failure is an answer here, never a 500
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        else:
            results[name] = {"ok": result.ok, **result.detail}
        if name == "database" and not results[name]["ok"]:
            database_down = True
    return results
