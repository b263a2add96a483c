"""The moderation schedule, created idempotently (by name) by migration 0003."""

from __future__ import annotations

SCHEDULES = [
    {
        "name": "moderation: escalate overdue concerns",
        "func": "moderation.tasks.escalate_concerns",
        "schedule_type": "I",
        "minutes": 15,
    },
]


def ensure_schedules(schedule_model) -> None:
    for spec in SCHEDULES:
        defaults = {key: value for key, value in spec.items() if key != "name"}
        schedule_model.objects.update_or_create(name=spec["name"], defaults=defaults)
