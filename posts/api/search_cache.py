"""Anonymous search answers of the API, kept a short while in the shared cache.

Most traffic is people without an account searching around a town; the same search asked again
within ``POMOC_SEARCH_CACHE_SECONDS`` (30 s) gets the same answer without touching the posts.
Only anonymous answers are kept and only anonymous requests are answered from the cache: what
a signed-in person sees (their own exact points, sensitive posts for verified staff, ``mine``)
is never stored, so it can reach nobody else. Staleness is bounded by the lifetime alone: a new,
closed or hidden post shows in these answers at most that late (its own page at once).
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language
from rest_framework.request import Request

KEY_PREFIX = "post-search:v1:"


def search_cache_key(request: Request) -> str | None:
    """The cache key of this request's answer, or None when it must not be cached.

    The key holds the host and path (the answer's ``next`` links are absolute), the query with
    its parameters sorted, and the language (category names are translated)."""
    if settings.POMOC_SEARCH_CACHE_SECONDS <= 0 or request.user.is_authenticated:
        return None
    query = urlencode(
        sorted((name, value) for name, values in request.GET.lists() for value in values)
    )
    described = "|".join(
        [request.scheme, request.get_host(), request.path, query, get_language() or ""]
    )
    return KEY_PREFIX + hashlib.sha256(described.encode()).hexdigest()


def search_answer_store(key: str, data: Any) -> None:
    """Keep the answer for ``POMOC_SEARCH_CACHE_SECONDS``. (The database cache deletes expired
    answers now and then itself, ``pomoc.cache``; Redis forgets them.)"""
    cache.set(key, data, settings.POMOC_SEARCH_CACHE_SECONDS)
