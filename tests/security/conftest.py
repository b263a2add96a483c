from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _quiet_matcher(settings):
    # Saving a post would queue a matching pass; these attacks are not about it.
    settings.POMOC_MATCHING_ON_SAVE = "off"


@pytest.fixture(autouse=True)
def _fresh_limits():
    # Rate limits and throttles count in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()
