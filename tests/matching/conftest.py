from __future__ import annotations

import math

import pytest
from django.contrib.gis.geos import Point

from tests.factories import PRAHA


def east_of_praha(km: float) -> Point:
    """A point ``km`` kilometres due east of Prague's centre."""
    km_per_degree = 111.32 * math.cos(math.radians(PRAHA.y))
    return Point(PRAHA.x + km / km_per_degree, PRAHA.y, srid=4326)


@pytest.fixture(autouse=True)
def _matching_on_save_off(settings):
    # Saving a post queues an incremental pass; tests of the pass call it themselves, and the
    # ones about the hook switch it to "sync".
    settings.POMOC_MATCHING_ON_SAVE = "off"


@pytest.fixture
def proposal(db):
    """A proposed match between two different people, neither of whom has answered."""
    from tests.factories import MatchFactory, UserFactory

    offer_owner = UserFactory(display_name="Olga Offer", phone="+420 601 111 222")
    need_owner = UserFactory(display_name="Nadia Need", phone="+380 50 333 4444")
    return MatchFactory(offer__owner=offer_owner, need__owner=need_owner)


@pytest.fixture(autouse=True)
def _english():
    # Services word their refusals and the history's reasons in the active language; these
    # tests read them in English (the site's default language is Czech).
    from django.utils import translation

    with translation.override("en"):
        yield
