"""The shared cache on PostgreSQL (``POMOC_CACHE=database``, the default): Django's database
cache with each write as one statement.

Every anonymous API request goes through two throttles (a read and a write of the cache each),
and Django's ``DatabaseCache`` spends five statements on a write: it counts the whole table
(to decide whether to cull), then in a transaction of its own selects the key and updates or
inserts it. Twelve statements per request, one of them a scan of a table that grows with
every distinct search (answers are cached, ``posts.api.search_cache``). Here a write is one
upsert on the table's primary key (three, with a savepoint, inside a caller's transaction;
requests run in autocommit). On one write in ``CULL_CHECK_EVERY`` per process (all its database
caches together) the expired rows are deleted and the table counted: it may outgrow
``MAX_ENTRIES`` by that many keys per process before a cull. Reads, deletes and culling are
Django's.
"""

from __future__ import annotations

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils.timezone import now as tz_now

CULL_CHECK_EVERY = 100

_writes = itertools.count()


class DatabaseCache(DjangoDatabaseCache):
    def _base_set(self, mode: str, key: str, value, timeout=DEFAULT_TIMEOUT) -> bool:
        timeout = self.get_backend_timeout(timeout)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        try:
            if not connection.in_atomic_block:
                return self._write(db, mode, key, value, expires, now)
            # Inside a caller's transaction a savepoint keeps a failed write from failing it.
            with transaction.atomic(using=db):
                return self._write(db, mode, key, value, expires, now)
        except DatabaseError:
            # As Django's: a cache write that fails (a timeout, a read-only failover) is lost,
            # and the request goes on.
            return False

    def _write(self, db: str, mode: str, key: str, value, expires, now: datetime) -> bool:
        connection = connections[db]
        table = connection.ops.quote_name(self._table)
        with connection.cursor() as cursor:
            if next(_writes) % CULL_CHECK_EVERY == 0:
                # Django deletes expired rows only once the table is full: thousands of
                # distinct searches an hour (posts.api.search_cache) would fill it with dead
                # answers, and every count here would read them.
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
                cursor.execute(f"SELECT count(*) FROM {table}")
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, now, count)
            if mode == "touch":
                cursor.execute(
                    f"UPDATE {table} SET expires = %s WHERE cache_key = %s", [expires, key]
                )
                return cursor.rowcount == 1
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            # "add" replaces only a key that has expired (Django's semantics); the upsert's
            # condition decides it in the same statement, so two racing adds cannot both win.
            replace_only_if = " WHERE cache.expires < %s" if mode == "add" else ""
            cursor.execute(
                f"INSERT INTO {table} AS cache (cache_key, value, expires) VALUES (%s, %s, %s) "
                "ON CONFLICT (cache_key) DO UPDATE "
                f"SET value = EXCLUDED.value, expires = EXCLUDED.expires{replace_only_if}",
                [key, encoded, expires]
                + ([connection.ops.adapt_datetimefield_value(now)] if mode == "add" else []),
            )
            return cursor.rowcount == 1
