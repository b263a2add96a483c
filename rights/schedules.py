"""The rights app's schedule, created idempotently (by name) by migration 0002."""

from __future__ import annotations

from django.apps import apps as global_apps

PURGE_EXPORTS_SCHEDULE = "rights-purge-expired-downloads"


def schedules_ensure(apps=global_apps) -> None:
    """Delete expired downloads (their files hold a whole person's data) every hour."""
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=PURGE_EXPORTS_SCHEDULE,
        defaults={
            "func": "rights.tasks.data_exports_purge",
            "schedule_type": "H",
            "repeats": -1,
        },
    )
