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
import random
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework.request import Request

KEY_PREFIX = "post-search:v1:"
# One answer stored in this many also deletes the database cache's expired rows (see below).
PURGE_ONE_IN = 100


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
    """Keep the answer; now and then also delete the expired rows of the database cache.

    The database cache deletes expired rows only when the table is full (``MAX_ENTRIES``,
    100 000): thousands of distinct searches an hour would fill it with dead answers, and the
    count that decides a cull (``pomoc.cache``) would read them all. Redis forgets expired keys
    by itself."""
    cache = caches[DEFAULT_CACHE_ALIAS]
    cache.set(key, data, settings.POMOC_SEARCH_CACHE_SECONDS)
    if isinstance(cache, DatabaseCache) and random.randrange(PURGE_ONE_IN) == 0:
        connection = connections[router.db_for_write(cache.cache_model_class)]
        table = connection.ops.quote_name(cache._table)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [timezone.now()])
