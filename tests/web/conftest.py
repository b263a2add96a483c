from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Throttles (allauth, DRF) count in the cache, which outlives a test; each test starts with
    # none used. (Posting and report limits count in the database and roll back with the test.)
    cache.clear()
    yield
    cache.clear()
