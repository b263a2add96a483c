"""Which cache and broker a process chooses from its environment (read when settings load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.ops.conftest import ROOT

SHOW = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps({'cache': settings.CACHES['default'], "
    "'broker': settings.Q_CLUSTER.get('redis') or settings.Q_CLUSTER.get('orm')}))"
)


def settings_with(**env: str) -> tuple[dict, str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"POMOC_CACHE", "POMOC_REDIS_URL", "POMOC_Q_REDIS"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env=base | {"DJANGO_SETTINGS_MODULE": "pomoc.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout), result.stderr


def test_without_redis_the_cache_is_a_database_table_and_the_broker_the_database():
    chosen, _ = settings_with()
    assert chosen["cache"]["BACKEND"] == "pomoc.cache.DatabaseCache"
    assert chosen["cache"]["LOCATION"] == "pomoc_cache"
    assert chosen["broker"] == "default"


def test_with_redis_it_is_the_broker_and_the_cache_on_the_next_database_number():
    chosen, _ = settings_with(POMOC_REDIS_URL="redis://10.1.2.3:6379/4")
    assert chosen["broker"] == "redis://10.1.2.3:6379/4"
    assert chosen["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    # Clearing the cache (FLUSHDB) must never empty the task queue.
    assert chosen["cache"]["LOCATION"] == "redis://10.1.2.3:6379/5"


def test_the_old_broker_variable_still_works_and_warns():
    chosen, stderr = settings_with(POMOC_Q_REDIS="redis://10.1.2.3:6379")
    assert chosen["broker"] == "redis://10.1.2.3:6379"
    assert chosen["cache"]["LOCATION"] == "redis://10.1.2.3:6379/1"
    assert "POMOC_Q_REDIS is deprecated" in stderr
