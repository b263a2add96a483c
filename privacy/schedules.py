"""The retention schedule, created idempotently (by name) by migration 0001."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.apps import apps as global_apps
from django.utils import timezone

RETENTION_SCHEDULE = "privacy-retention"
RUN_HOUR = 3  # Prague time: a quiet hour, away from the 07:00 digests


def next_night_run(now: dt.datetime, zone: str = "Europe/Prague") -> dt.datetime:
    local = now.astimezone(ZoneInfo(zone))
    run = local.replace(hour=RUN_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + dt.timedelta(days=1)


def schedules_ensure(apps=global_apps) -> None:
    """Create or update the daily retention run. ``apps`` is the migration's app registry when
    called from a data migration."""
    schedule_model = apps.get_model("django_q", "Schedule")
    defaults = {
        "func": "privacy.tasks.retention_run",
        "schedule_type": "D",  # Schedule.DAILY: periods are days, once a day is enough
        "repeats": -1,
    }
    schedule_model.objects.update_or_create(
        name=RETENTION_SCHEDULE,
        defaults=defaults,
        create_defaults={**defaults, "next_run": next_night_run(timezone.now())},
    )
