"""Rules that must always hold are enforced twice: services give a clear error naming the field,
and the database refuses the row even if someone bypasses the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from needs.models import Need
from needs.services import need_create
from offers.models import Offer
from offers.services import offer_create
from tests import factories

pytestmark = pytest.mark.django_db


def create_offer(owner, **overrides):
    fields = dict(
        owner=owner,
        category=factories.category("clothes"),
        title="Winter coats",
        place_name="Brno",
        languages=["cs", "uk"],
    )
    fields.update(overrides)
    return offer_create(**fields)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"radius_km": 501}, "radius_km"),
        ({"radius_km": 10_000}, "radius_km"),
        ({"radius_km": -5}, "radius_km"),
        ({"capacity": 0}, "capacity"),
        ({"valid_from": dt.date(2026, 5, 1), "valid_until": dt.date(2026, 4, 1)}, "valid_until"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"title": "   "}, "title"),
        ({"description": "x" * 100_000}, "description"),
        ({"place_name": "Atlantis"}, "place_name"),
    ],
)
def test_offer_with_bad_input_is_rejected_naming_the_field(volunteer, overrides, field):
    with pytest.raises(ValidationError) as error:
        create_offer(volunteer, **overrides)
    assert field in error.value.message_dict
    assert Offer.objects.count() == 0


def test_need_with_no_people_is_rejected(refugee):
    with pytest.raises(ValidationError) as error:
        need_create(
            owner=refugee,
            category=factories.category("food"),
            title="Food for a family",
            place_name="Ostrava",
            languages=["uk"],
            people_count=0,
        )
    assert "people_count" in error.value.message_dict
    assert Need.objects.count() == 0


def test_valid_offer_is_saved_with_the_resolved_place(volunteer):
    offer = create_offer(volunteer, place_name="plzen", languages=["UK", "cs", "cs"])
    offer.refresh_from_db()
    assert offer.place_name == "Plzeň"
    assert offer.languages == ["cs", "uk"]
    assert offer.location.y == pytest.approx(49.747, abs=0.01)


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("radius_km", 600, "offer_radius_0_500_km"),
        ("capacity", 0, "offer_capacity_at_least_1"),
        ("valid_until", dt.date(2000, 1, 1), "offer_valid_until_after_from"),
        ("languages", [], "offer_has_language"),
    ],
)
def test_database_refuses_rows_that_bypass_the_services(volunteer, field, value, constraint):
    offer = factories.OfferFactory(owner=volunteer)
    setattr(offer, field, value)
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        offer.save()


@pytest.mark.django_db
def test_categories_keep_two_levels_even_when_a_parent_is_moved():
    # The matcher relies on it: a need meets its own category's and its parent's offers.
    material_aid = factories.category("material-aid")
    material_aid.parent = factories.category("transport")
    with pytest.raises(ValidationError) as raised:
        material_aid.full_clean()
    assert "parent" in raised.value.message_dict
    childless = factories.category("czech-courses")
    childless.parent = factories.category("education")
    childless.full_clean()
