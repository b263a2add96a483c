"""Fixed-window limits per user, counted in PostgreSQL.

Used for posting (``POMOC_POST_RATE_LIMIT`` new offers and needs together per
``POMOC_POST_RATE_WINDOW_SECONDS``, however they arrive: web form or API; coordinators are not
limited, they enter posts for others) and, in ``moderation``, for reports. The settings are read
at each call, so they can change without a restart and in tests.

Why the database and not the cache: the cache is per process (locmem), so each gunicorn worker
would grant its own allowance, and a read-then-increment lets a parallel burst slip through
between the two. Here one statement increments and returns the new count
(``INSERT … ON CONFLICT DO UPDATE … RETURNING``); PostgreSQL queues concurrent increments of
the same row, so each request sees a distinct number and the one that finds itself past the
limit is refused. Called inside the caller's transaction, a refused or failed action rolls its
increment back: only what was really created counts.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scopes import user_can_coordinate
from posts.models import RateCounter


class RateLimitExceeded(Exception):
    """The user has used up this window's allowance; ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


@dataclass(frozen=True)
class FixedWindowLimit:
    scope: str
    limit_setting: str
    window_setting: str

    def _window(self) -> tuple[dt.datetime, int]:
        """The start of the current window (aligned to the epoch) and the seconds left in it."""
        seconds = max(1, int(getattr(settings, self.window_setting)))
        now = timezone.now().timestamp()
        start = math.floor(now / seconds) * seconds
        return dt.datetime.fromtimestamp(start, tz=dt.UTC), max(1, math.ceil(start + seconds - now))

    def exceeded(self, user: User) -> bool:
        """True when the user has used up this window's allowance (a read, for refusing early;
        ``reserve`` is the check that holds under concurrency)."""
        window_start, _left = self._window()
        used = (
            RateCounter.objects.filter(scope=self.scope, user=user, window_start=window_start)
            .values_list("count", flat=True)
            .first()
        )
        return (used or 0) >= getattr(settings, self.limit_setting)

    def _increment(self, user: User) -> tuple[int, int]:
        window_start, left = self._window()
        table = RateCounter._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table} (scope, user_id, window_start, count)
                VALUES (%s, %s, %s, 1)
                ON CONFLICT (scope, user_id, window_start)
                DO UPDATE SET count = {table}.count + 1
                RETURNING count
                """,
                [self.scope, user.pk, window_start],
            )
            (used,) = cursor.fetchone()
            if used == 1:
                # A new window: the user's older rows of this scope are history.
                cursor.execute(
                    f"DELETE FROM {table} WHERE scope = %s AND user_id = %s AND window_start < %s",
                    [self.scope, user.pk, window_start],
                )
        return used, left

    def reserve(self, user: User, message: str) -> None:
        """Count one action, or raise ``RateLimitExceeded`` when it would pass the limit.

        Call it inside the transaction that performs the action, so that the refusal (and any
        later failure) rolls the increment back and parallel calls wait for each other.
        """
        used, left = self._increment(user)
        if used > getattr(settings, self.limit_setting):
            raise RateLimitExceeded(message, retry_after=left)

    def count(self, user: User) -> None:
        """Count one action that has already happened."""
        self._increment(user)


POSTING = FixedWindowLimit("post-rate", "POMOC_POST_RATE_LIMIT", "POMOC_POST_RATE_WINDOW_SECONDS")


def post_rate_limited(*, user: User) -> bool:
    """Coordinators enter posts for the people they look after, so they are never limited."""
    return not user_can_coordinate(user=user)


def post_rate_exceeded(*, user: User) -> bool:
    return post_rate_limited(user=user) and POSTING.exceeded(user)


def post_rate_reserve(*, user: User) -> None:
    """Count one new post of ``user`` or raise ``RateLimitExceeded``; inside the transaction
    that creates it (``posts.services.post_create``)."""
    if post_rate_limited(user=user):
        POSTING.reserve(
            user, _("You have posted a lot in a short time. Please try again in an hour.")
        )
