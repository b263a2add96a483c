from __future__ import annotations

import pytest
from django.core.cache import cache

from tests import factories

# Both twins: (kind in URLs, factory).
TWINS = [("offer", factories.OfferFactory), ("need", factories.NeedFactory)]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Report limits count in the cache, which outlives a test.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _matching_on_save_off(settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"
