"""The shared cache on PostgreSQL (pomoc/cache.py): Django's cache semantics, one statement per
write, and a table kept within its size."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from pomoc import cache as pomoc_cache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache(settings, monkeypatch):
    # The table is counted on the first write of each hundred: none of these unless asked.
    monkeypatch.setattr(pomoc_cache, "_writes", itertools.count(1))
    options = {
        "BACKEND": "pomoc.cache.DatabaseCache",
        "LOCATION": settings.POMOC_CACHE_TABLE,
        "OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2},
    }
    with override_settings(CACHES={"default": options}):
        yield caches["default"]
        caches["default"].clear()


def _later(seconds: int):
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def test_values_are_set_read_replaced_and_deleted(cache):
    cache.set("history", [1.5, 2.5], 60)
    assert cache.get("history") == [1.5, 2.5]
    cache.set("history", {"replaced": True}, 60)
    assert cache.get("history") == {"replaced": True}
    assert cache.delete("history")
    assert cache.get("history", "gone") == "gone"


def test_a_value_expires_after_its_timeout_and_never_without_one(cache):
    cache.set("short", "x", 5)
    cache.set("forever", "y", None)
    with _later(6):
        assert cache.get("short") is None
        assert cache.get("forever") == "y"


def test_add_keeps_a_live_value_and_replaces_an_expired_one(cache):
    assert cache.add("lock", "first", 5)
    assert not cache.add("lock", "second", 5)
    assert cache.get("lock") == "first"
    with _later(6):
        assert cache.add("lock", "third", 5)
        assert cache.get("lock") == "third"


def test_touch_extends_a_live_key_and_reports_a_missing_one(cache):
    cache.set("session", "x", 5)
    assert cache.touch("session", 60)
    with _later(30):
        assert cache.get("session") == "x"
    assert not cache.touch("missing", 60)


def test_incr_counts_through_the_cache(cache):
    cache.set("hits", 1, 60)
    assert cache.incr("hits") == 2
    assert cache.get("hits") == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_is_one_statement(cache):
    # Django's database cache spends five on it (count, savepoint, select, write, release);
    # every anonymous API request makes two (its throttles), in autocommit as here.
    with CaptureQueriesContext(connection) as writes:
        cache.set("throttle", [1.0], 60)
        cache.add("other", 1, 60)
    assert len(writes.captured_queries) == 2


def test_the_table_is_culled_once_it_outgrows_its_limit(cache, monkeypatch):
    monkeypatch.setattr(pomoc_cache, "CULL_CHECK_EVERY", 1)
    for number in range(25):
        cache.set(f"key-{number}", number, 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {cache._table}")
        kept = cursor.fetchone()[0]
    # Culled when over 10 (half of the table each time), and the last write kept.
    assert kept <= 11
    assert cache.get("key-24") == 24


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_is_lost_without_failing_the_callers_transaction(cache, settings):
    from django.db import transaction

    from tests.factories import UserFactory

    with transaction.atomic():
        user = UserFactory()
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {settings.POMOC_CACHE_TABLE} RENAME TO cache_away")
        try:
            cache.set("throttle", [1.0], 60)  # no error
            assert cache.add("throttle", [1.0], 60) is False
            user.first_name = "Still writable"
            user.save()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER TABLE cache_away RENAME TO {settings.POMOC_CACHE_TABLE}")

    user.refresh_from_db()
    assert user.first_name == "Still writable"
