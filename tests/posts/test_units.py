"""What an offer's capacity counts in each category, and the data migration that moved the
old beds, seats and quantity details of offers into the capacity."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from needs.models import Need
from offers.models import Offer
from posts.details import details_errors
from posts.units import need_units, unit_for
from tests.factories import NeedFactory, OfferFactory, category


@pytest.mark.parametrize(
    ("root", "unit", "people", "details", "takes"),
    [
        ("accommodation", "beds", 6, {}, 6),
        ("transport", "seats", 3, {"cargo": True}, 3),
        ("material-aid", "items", 4, {"quantity": 10}, 10),
        ("material-aid", "items", 4, {}, 1),
        ("interpreting", "places", 5, {}, 1),
        (None, "places", 2, {}, 1),
    ],
)
def test_each_category_counts_its_own_unit(root, unit, people, details, takes):
    assert unit_for(root).name == unit
    assert need_units(root, people_count=people, details=details) == takes


@pytest.mark.parametrize(
    ("root", "side", "details", "field"),
    [
        ("accommodation", "offer", {"beds": 3}, "capacity"),
        ("transport", "offer", {"seats": 3}, "capacity"),
        ("material-aid", "offer", {"quantity": 3}, "capacity"),
        ("accommodation", "need", {"beds": 3}, "people_count"),
    ],
)
def test_a_detail_that_repeats_the_capacity_is_refused_naming_where_it_went(
    root, side, details, field
):
    errors = details_errors(root, details, side)
    assert list(errors) == list(details)
    assert field in next(iter(errors.values()))


def test_a_material_aid_need_may_give_a_quantity():
    assert details_errors("material-aid", {"quantity": 10}, "need") == {}
    assert "quantity" in details_errors("material-aid", {"quantity": 0}, "need")


def _run(module: str, name: str) -> None:
    with connection.cursor() as cursor:
        for statement in name.split():
            cursor.execute(getattr(importlib.import_module(module), statement))


@pytest.mark.django_db
def test_the_migration_moves_offer_beds_seats_and_items_into_the_capacity():
    rooms = OfferFactory(category=category("accommodation"), capacity=1)
    lift = OfferFactory(category=category("transport"), capacity=1)
    coats = OfferFactory(capacity=2)
    plain = OfferFactory(category=category("transport"), capacity=2, details={"cargo": True})
    # Details as they were saved before the move (update() skips today's validation).
    Offer.objects.filter(pk=rooms.pk).update(details={"beds": 4, "pets": True})
    Offer.objects.filter(pk=lift.pk).update(details={"seats": 3})
    Offer.objects.filter(pk=coats.pk).update(details={"quantity": 25, "condition": "new"})

    _run("offers.migrations.0008_capacity_from_details", "FORWARD LEFTOVERS")

    moved = {o.pk: (o.capacity, o.details) for o in Offer.objects.all()}
    assert moved == {
        rooms.pk: (4, {"pets": True}),
        lift.pk: (3, {}),
        coats.pk: (25, {"condition": "new"}),
        plain.pk: (2, {"cargo": True}),
    }


@pytest.mark.django_db
def test_the_migration_keeps_the_larger_number_of_people_of_a_need():
    family = NeedFactory(category=category("accommodation"), people_count=2)
    coats = NeedFactory(people_count=1, details={"quantity": 7})
    Need.objects.filter(pk=family.pk).update(details={"beds": 5, "pets": False})

    _run("needs.migrations.0007_people_from_details", "FORWARD LEFTOVERS")

    family.refresh_from_db()
    coats.refresh_from_db()
    assert (family.people_count, family.details) == (5, {"pets": False})
    assert coats.details == {"quantity": 7}
