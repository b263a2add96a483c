"""Searches by anonymous visitors read from a PostgreSQL read replica (POMOC_REPLICA_DATABASE_URL).

Only reads that tolerate a replica's second or so of lag go there: GET requests with neither a
session cookie nor an Authorization header (the public searching most traffic is), and only the
post and catalogue tables. Everyone who is signed in reads from the primary, so they always see
what they just wrote; writes, transactions, the cache, sessions and log-in counts always use it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
REPLICA_APPS = frozenset({"offers", "needs", "posts", "catalogue"})

_replica_reads: ContextVar[bool] = ContextVar("pomoc_replica_reads", default=False)


@contextmanager
def replica_reads():
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        if (
            _replica_reads.get()
            and model._meta.app_label in REPLICA_APPS
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica is a copy of the primary: rows from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


def is_anonymous_read(request: HttpRequest) -> bool:
    return (
        request.method in {"GET", "HEAD"}
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


class ReplicaReadsMiddleware:
    """Turns replica reads on for an anonymous GET, for the view and the rendering of its
    response (querysets are lazy)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_anonymous_read(request):
            return self.get_response(request)
        with replica_reads():
            return self.get_response(request)
