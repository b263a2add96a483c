"""A simple per-user posting limit in the cache (fixed window).

At most ``POMOC_POST_RATE_LIMIT`` new offers and needs together per user within
``POMOC_POST_RATE_WINDOW_SECONDS``. Coordinators are not limited: they enter posts for others.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from accounts.models import User


def _key(user: User) -> str:
    return f"pomoc:post-rate:{user.pk}"


def post_rate_exceeded(*, user: User) -> bool:
    """True when the user has used up this window's allowance."""
    if user.is_coordinator:
        return False
    return cache.get(_key(user), 0) >= settings.POMOC_POST_RATE_LIMIT


def post_rate_count(*, user: User) -> None:
    """Count one new post; the first post of a window starts the window's timer."""
    key = _key(user)
    if cache.add(key, 1, timeout=settings.POMOC_POST_RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        # The window expired between add() and incr(): start a new one.
        cache.set(key, 1, timeout=settings.POMOC_POST_RATE_WINDOW_SECONDS)
