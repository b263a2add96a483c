"""The posts' schedule, created idempotently (by name) by migration 0006."""

from __future__ import annotations

from django.apps import apps as global_apps

# Periods for new posts, expiry of posts past their end, "Is this still valid?" (freshness.py).
# Hourly: periods are days, but a post should not stay up for most of a day after its end.
FRESHNESS_SCHEDULE = "posts-freshness"
FRESHNESS_MINUTES = 60


def schedules_ensure(apps=global_apps) -> None:
    """Create or update the freshness run. ``apps`` is the migration's app registry when called
    from a data migration."""
    schedule_model = apps.get_model("django_q", "Schedule")
    schedule_model.objects.update_or_create(
        name=FRESHNESS_SCHEDULE,
        defaults={
            "func": "posts.tasks.refresh",
            "schedule_type": "I",  # Schedule.MINUTES
            "minutes": FRESHNESS_MINUTES,
            "repeats": -1,
        },
    )
