"""The notification schedules, created idempotently (by name) by migration 0002."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DIGEST_HOUR = 7  # local time: a morning digest, before the working day

SCHEDULES = [
    # Retries and anything whose first task was lost (worker down when it was queued).
    {
        "name": "notifications: send due deliveries",
        "func": "notifications.tasks.send_due",
        "schedule_type": "I",
        "minutes": 1,
    },
    {
        "name": "notifications: daily digests",
        "func": "notifications.tasks.send_digests",
        "schedule_type": "D",
        "minutes": None,
    },
]


def next_digest_run(now: dt.datetime, zone: str = "Europe/Prague") -> dt.datetime:
    local = now.astimezone(ZoneInfo(zone))
    run = local.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return run if run > local else run + dt.timedelta(days=1)


def ensure_schedules(schedule_model, now: dt.datetime) -> None:
    for spec in SCHEDULES:
        defaults = {key: value for key, value in spec.items() if key != "name"}
        create_defaults = dict(defaults)
        if spec["schedule_type"] == "D":
            create_defaults["next_run"] = next_digest_run(now)
        schedule_model.objects.update_or_create(
            name=spec["name"], defaults=defaults, create_defaults=create_defaults
        )
