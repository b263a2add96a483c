from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from needs.selectors import need_list_visible
from offers.selectors import offer_list_near, offer_list_visible
from posts.models import PostStatus
from tests import factories
from tests.factories import PRAHA

pytestmark = pytest.mark.django_db

# Real places around Prague, with their distance from the centre of Prague.
BEROUN = Point(14.07201, 49.96382, srid=4326)  # ~28 km
CERNOSICE = Point(14.31987, 49.96014, srid=4326)  # ~16 km
ROZTOKY = Point(14.39766, 50.15843, srid=4326)  # ~8 km
BRNO = factories.BRNO  # ~185 km


def test_offers_within_20_km_come_nearest_first():
    factories.OfferFactory(title="Beroun", location=BEROUN)
    factories.OfferFactory(title="Černošice", location=CERNOSICE)
    factories.OfferFactory(title="Roztoky", location=ROZTOKY)
    factories.OfferFactory(title="Brno", location=BRNO)

    found = list(offer_list_near(point=PRAHA, radius_km=20, user=None))

    assert [offer.title for offer in found] == ["Roztoky", "Černošice"]
    assert found[0].distance.km == pytest.approx(7.9, abs=0.5)
    assert found[1].distance.km == pytest.approx(16.0, abs=0.8)


def test_nearby_search_can_use_the_spatial_index():
    # Given a few offers, when the planner is told to avoid sequential scans,
    factories.OfferFactory.create_batch(3)
    queryset = offer_list_near(point=PRAHA, radius_km=20, user=None)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then ST_DWithin and the <-> ordering are answered from the GiST index on location.
    assert re.search(r"Index Scan using offers_offer_location_\w+ on offers_offer", plan)
    assert "Order By: (location <->" in plan
    assert "Seq Scan on offers_offer" not in plan


def test_only_active_posts_valid_today_are_visible():
    visible = factories.OfferFactory(title="visible")
    factories.OfferFactory(title="paused", status=PostStatus.PAUSED)
    factories.OfferFactory(title="draft", status=PostStatus.DRAFT)
    assert [offer.pk for offer in offer_list_visible(user=None)] == [visible.pk]


@pytest.mark.parametrize("slug", ["accommodation", "accommodation-long", "legal-advice"])
def test_sensitive_posts_are_hidden_from_anonymous_and_unverified_users(slug, volunteer):
    need = factories.NeedFactory(category=factories.category(slug))
    unverified_staff = factories.MembershipFactory(organisation__verified=False).user

    assert need not in need_list_visible(user=None)
    assert need not in need_list_visible(user=volunteer)
    assert need not in need_list_visible(user=unverified_staff)


def test_sensitive_posts_are_visible_to_coordinators_and_verified_organisations(
    coordinator, verified_staff
):
    need = factories.NeedFactory(category=factories.category("accommodation-short"))
    assert need in need_list_visible(user=coordinator)
    assert need in need_list_visible(user=verified_staff)
