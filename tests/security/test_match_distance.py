"""Leftover of attack 1: the match page told each side the distance between the two exact
points, in whole km. Posts in the same public cell must look the same from a match too."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point
from django.test import Client

from matching.lifecycle import match_create_manual
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_side_cannot_tell_two_needs_in_one_cell_apart(coordinator):
    # Two items, one for each need: an approval never takes more than the capacity.
    offer = factories.OfferFactory(
        location=Point(14.40, 50.000, srid=4326), radius_km=20, capacity=2
    )
    # 50.0196 and 50.0244 snap to the same 50.02: 2.18 km and 2.71 km from the offer.
    near = factories.NeedFactory(location=Point(14.40, 50.0196, srid=4326))
    far = factories.NeedFactory(location=Point(14.40, 50.0244, srid=4326))
    volunteer = Client()
    volunteer.force_login(offer.owner)

    pages = []
    for need in (near, far):
        match = match_create_manual(offer=offer, need=need, actor=coordinator)
        pages.append(volunteer.get(f"/en/matches/{match.pk}/").content.decode())

    shown = [page[page.index("Distance") :].split("km")[0] for page in pages]
    assert shown[0] == shown[1] == "Distance 2 "


def test_the_coordinator_sees_the_distance_the_score_used(coordinator):
    offer = factories.OfferFactory(location=Point(14.40, 50.000, srid=4326), radius_km=20)
    need = factories.NeedFactory(location=Point(14.40, 50.0244, srid=4326))
    match = match_create_manual(offer=offer, need=need, actor=coordinator)
    client = Client()
    client.force_login(coordinator)
    assert "Distance 2.7 km" in client.get(f"/en/matches/{match.pk}/").content.decode()
