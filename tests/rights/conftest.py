from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_and_no_matcher(settings):
    # reverse() gives /en/ paths; saving a post does not start the matcher (tests call what
    # they need themselves); downloads go to a private folder of the test's own.
    settings.POMOC_MATCHING_ON_SAVE = "off"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.POMOC_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture
def connected(db):
    """A match both sides accepted (through the lifecycle, so consents are recorded)."""
    from matching import lifecycle
    from tests.factories import MatchFactory, UserFactory

    coordinator = UserFactory(roles=["coordinator"], is_superuser=True)
    offer_owner = UserFactory(display_name="Olga Offer", phone="+420601111222")
    need_owner = UserFactory(display_name="Nadia Need", phone="+380503334444")
    match = MatchFactory(offer__owner=offer_owner, need__owner=need_owner)
    lifecycle.match_approve(match, actor=coordinator)
    lifecycle.match_respond(match, actor=offer_owner, accept=True)
    return lifecycle.match_respond(match, actor=need_owner, accept=True)
