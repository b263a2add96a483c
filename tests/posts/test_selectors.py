from __future__ import annotations

import re

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from needs.selectors import need_list_visible
from offers.models import Offer
from offers.selectors import offer_list_near, offer_list_visible
from posts.models import PostStatus
from posts.selectors import post_search
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


def test_nearby_search_uses_the_spatial_index_on_the_public_point():
    # Given 5,000 offers spread over Czechia (copied in SQL from one made by the factory),
    factories.OfferFactory()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO offers_offer (owner_id, category_id, title, description, place_name,"
            " region, location, radius_km, remote, languages, valid_from, status, details,"
            " created_at, updated_at, capacity, hidden_reason)"
            " SELECT owner_id, category_id, title, description, place_name, region,"
            " ST_SetSRID(ST_MakePoint(12.5 + random() * 6, 48.7 + random() * 2.2), 4326),"
            " radius_km, remote, languages, valid_from, status, details, created_at, updated_at,"
            " capacity, hidden_reason FROM offers_offer, generate_series(1, 5000)"
        )
        cursor.execute("ANALYZE offers_offer")
    # when a page of offers near Prague is planned,
    queryset = offer_list_near(point=PRAHA, radius_km=5, user=None)[:20]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then ST_DWithin is answered from the GiST index on the public point (public searches
    # never read the exact one), and nearest-first sorts by the public point too.
    assert re.search(r"Index Scan (using|on) offer_public_location_gist", plan), plan
    assert "Seq Scan on offers_offer" not in plan
    assert "public_location <->" in plan
    assert "offers_offer.location" not in plan


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


def _titles(found) -> list[str]:
    return sorted(offer.title for offer in found)


def test_a_word_search_ignores_accents_and_case_either_way_and_reads_descriptions():
    factories.OfferFactory(title="Dětská židle", description="")
    factories.OfferFactory(title="Stůl", description="Kuchyňský, se ŽIDLEMI")
    factories.OfferFactory(title="Postel", description="")

    assert _titles(post_search(Offer, user=None, text="zidle")) == ["Dětská židle", "Stůl"]
    assert _titles(post_search(Offer, user=None, text="ŽIDLE")) == ["Dětská židle", "Stůl"]
    # Every word must be there, in the title or the description.
    assert _titles(post_search(Offer, user=None, text="zidlemi kuchynsky")) == ["Stůl"]
    assert _titles(post_search(Offer, user=None, text="zidle postel")) == []


def test_wildcards_typed_in_a_word_search_are_taken_literally():
    factories.OfferFactory(title="Sleva 50% na kočárek")
    factories.OfferFactory(title="Sleva 500 Kč")
    factories.OfferFactory(title="Kočárek a_b")
    factories.OfferFactory(title="Cesta C:\\kocarky")

    assert _titles(post_search(Offer, user=None, text="50%")) == ["Sleva 50% na kočárek"]
    assert _titles(post_search(Offer, user=None, text="a_b")) == ["Kočárek a_b"]
    assert _titles(post_search(Offer, user=None, text="c:\\koc")) == ["Cesta C:\\kocarky"]


def test_a_word_search_reads_the_trigram_index_not_every_post():
    # Given 5,000 offers and one chair among them,
    factories.OfferFactory(title="Dětská židle")
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO offers_offer (owner_id, category_id, title, description, place_name,"
            " region, location, radius_km, remote, languages, valid_from, status, details,"
            " created_at, updated_at, capacity, hidden_reason)"
            " SELECT owner_id, category_id, 'Offer ' || n, 'Things for a family', place_name,"
            " region, location, radius_km, remote, languages, valid_from, status, details,"
            " created_at, updated_at, capacity, hidden_reason"
            " FROM offers_offer, generate_series(1, 5000) AS n"
        )
        # As autovacuum would: the rows wait in the index's pending list until merged.
        cursor.execute("SELECT gin_clean_pending_list('offer_text_trgm')")
        cursor.execute("ANALYZE offers_offer")
    # when a search for a word is planned,
    queryset = post_search(Offer, user=None, text="zidle")[:20]
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # then the posts holding it come from the trigram index (the query's expression is the
    # index's), not from a scan that unaccents every title and description.
    assert "Bitmap Index Scan on offer_text_trgm" in plan, plan
    assert "Seq Scan on offers_offer" not in plan
    assert [offer.title for offer in queryset] == ["Dětská židle"]
