from __future__ import annotations

import itertools

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

RIGHT_PASSWORD = "correct horse battery"  # tests.factories.UserFactory's

_addresses = itertools.count(1)


@pytest.fixture(autouse=True)
def _quiet_matcher(settings):
    # Saving a post would queue a matching pass; these attacks are not about it.
    settings.POMOC_MATCHING_ON_SAVE = "off"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Throttles and allauth's rate limits count in the cache; django-axes counts failed log-ins
    in the database, which each test rolls back. Every test starts with nothing counted."""
    cache.clear()
    yield
    cache.clear()


def new_address() -> str:
    """A client address nobody used yet in this run (a botnet has as many as it needs)."""
    number = next(_addresses)
    return f"198.51.{number // 250}.{number % 250 + 1}"


def ask_token(email: str, password: str, *, address: str | None = None, **headers):
    """POST /api/v1/auth/token/ as a client at ``address`` (a fresh one if not given)."""
    client = APIClient(REMOTE_ADDR=address or new_address(), HTTP_ACCEPT_LANGUAGE="en")
    return client.post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json", **headers
    )
