"""The newsletter's schedule, created idempotently (by name) by migration 0002."""

from __future__ import annotations

SCHEDULES = [
    {
        "name": "newsletter: delete unconfirmed subscriptions",
        "func": "newsletter.tasks.purge_unconfirmed",
        "schedule_type": "H",
        "minutes": None,
    },
]


def ensure_schedules(schedule_model) -> None:
    for spec in SCHEDULES:
        defaults = {key: value for key, value in spec.items() if key != "name"}
        schedule_model.objects.update_or_create(name=spec["name"], defaults=defaults)
