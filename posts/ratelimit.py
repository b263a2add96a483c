"""Fixed-window limits per user, counted in the cache.

Used for posting (``POMOC_POST_RATE_LIMIT`` new offers and needs together per
``POMOC_POST_RATE_WINDOW_SECONDS``; coordinators are not limited, they enter posts for others)
and, in ``moderation``, for reports. The settings are read at each call, so they can change
without a restart and in tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from accounts.models import User


@dataclass(frozen=True)
class FixedWindowLimit:
    scope: str
    limit_setting: str
    window_setting: str

    def _key(self, user: User) -> str:
        return f"pomoc:{self.scope}:{user.pk}"

    def exceeded(self, user: User) -> bool:
        """True when the user has used up this window's allowance."""
        return cache.get(self._key(user), 0) >= getattr(settings, self.limit_setting)

    def count(self, user: User) -> None:
        """Count one action; the first of a window starts the window's timer."""
        key = self._key(user)
        window = getattr(settings, self.window_setting)
        if cache.add(key, 1, timeout=window):
            return
        try:
            cache.incr(key)
        except ValueError:
            # The window expired between add() and incr(): start a new one.
            cache.set(key, 1, timeout=window)


POSTING = FixedWindowLimit("post-rate", "POMOC_POST_RATE_LIMIT", "POMOC_POST_RATE_WINDOW_SECONDS")


def post_rate_exceeded(*, user: User) -> bool:
    return not user.is_coordinator and POSTING.exceeded(user)


def post_rate_count(*, user: User) -> None:
    POSTING.count(user)
