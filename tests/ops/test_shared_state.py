"""Rate limits hold across processes: two web servers share one cache (the database table by
default, Redis with POMOC_REDIS_URL), so a client cannot double its allowance by landing on the
other server."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.db import connection

from tests.ops.conftest import get

pytestmark = pytest.mark.django_db(transaction=True)


def clear_database_cache() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {settings.POMOC_CACHE_TABLE}")


def alternate(servers, path: str, count: int) -> list[int]:
    return [get(servers[number % len(servers)].url(path))[0] for number in range(count)]


@pytest.mark.parametrize("backend", ["database", "redis"])
def test_an_api_throttle_is_one_limit_across_two_server_processes(backend, web_servers, request):
    # Given two web servers, each its own process, and anonymous clients allowed 4 a minute,
    env = {"POMOC_API_RATE_ANON": "4/min"}
    if backend == "redis":
        env["POMOC_REDIS_URL"] = request.getfixturevalue("private_redis")
    else:
        clear_database_cache()
    servers = web_servers(2, env)

    # when one client's requests alternate between them,
    statuses = alternate(servers, "/api/v1/categories/", 7)

    # the fifth is refused, on whichever server it lands: one limit, not one per process.
    assert statuses == [200, 200, 200, 200, 429, 429, 429]
    status, body = get(servers[1].url("/api/v1/categories/"))
    assert status == 429 and "detail" in json.loads(body)
