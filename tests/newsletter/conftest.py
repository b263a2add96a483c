from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The subscription limit counts in the cache; every test starts with a clean count.
    cache.clear()
    yield
    cache.clear()
