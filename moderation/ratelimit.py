"""A per-user limit on reports in the cache (fixed window), like ``posts.ratelimit``: at most
``POMOC_REPORT_RATE_LIMIT`` reports per ``POMOC_REPORT_RATE_WINDOW_SECONDS``. Reports cost a
coordinator's time, so a flood from one account is refused before it reaches the queue."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from accounts.models import User


def _key(user: User) -> str:
    return f"pomoc:report-rate:{user.pk}"


def report_rate_exceeded(*, user: User) -> bool:
    return cache.get(_key(user), 0) >= settings.POMOC_REPORT_RATE_LIMIT


def report_rate_count(*, user: User) -> None:
    key = _key(user)
    if cache.add(key, 1, timeout=settings.POMOC_REPORT_RATE_WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:
        # The window expired between add() and incr(): start a new one.
        cache.set(key, 1, timeout=settings.POMOC_REPORT_RATE_WINDOW_SECONDS)
