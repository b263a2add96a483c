"""The matcher's schedules, declared in one place and created idempotently (by name)."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.conf import settings

FULL_PASS_SCHEDULE = "matching-full-pass"
# Expire stale proposals and unanswered matches, send the one reminder.
EXPIRE_SCHEDULE = "matching-expire-matches"
EXPIRE_MINUTES = 15
# "How did it go?" to both sides of matches connected long enough ago (matching/follow_up.py).
FOLLOW_UP_SCHEDULE = "matching-follow-up"
FOLLOW_UP_MINUTES = 60


def schedules_ensure(apps=global_apps) -> None:
    """Create or update the scheduled full pass, the expiry run and the follow-ups. ``apps`` is
    the migration's app registry when called from a data migration."""
    schedule_model = apps.get_model("django_q", "Schedule")
    schedule_model.objects.update_or_create(
        name=FULL_PASS_SCHEDULE,
        defaults={
            "func": "matching.tasks.full_pass",
            "schedule_type": "I",  # Schedule.MINUTES
            "minutes": settings.POMOC_MATCHING_FULL_PASS_MINUTES,
            "repeats": -1,
        },
    )
    schedule_model.objects.update_or_create(
        name=EXPIRE_SCHEDULE,
        defaults={
            "func": "matching.tasks.expire_matches",
            "schedule_type": "I",
            "minutes": EXPIRE_MINUTES,
            "repeats": -1,
        },
    )
    schedule_model.objects.update_or_create(
        name=FOLLOW_UP_SCHEDULE,
        defaults={
            "func": "matching.tasks.follow_up_matches",
            "schedule_type": "I",
            "minutes": FOLLOW_UP_MINUTES,
            "repeats": -1,
        },
    )
