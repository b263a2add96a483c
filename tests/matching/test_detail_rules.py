"""What a need's details require (issue 13): pets, wheelchair access, cargo and an interpreting
language pair, in the full pass and in both incremental passes. A need that states nothing is
not constrained; an offer that states nothing cannot serve a need that requires something."""

from __future__ import annotations

import pytest

from matching import engine
from matching.models import Match
from tests.factories import NeedFactory, OfferFactory, category

pytestmark = pytest.mark.django_db

PASSES = ["full", "incremental-need", "incremental-offer"]


def proposed_offers(need, kind: str, offers) -> set[int]:
    if kind == "full":
        engine.full_pass()
    elif kind == "incremental-need":
        engine.incremental_pass(need_id=need.pk)
    else:
        for offer in offers:
            engine.incremental_pass(offer_id=offer.pk)
    return set(Match.objects.filter(need=need).values_list("offer_id", flat=True))


@pytest.mark.parametrize("kind", PASSES)
def test_a_family_with_a_dog_is_proposed_only_rooms_that_welcome_pets(kind):
    room = category("accommodation-long")
    no_pets = OfferFactory(category=room, capacity=4, details={"pets": False})
    unsaid = OfferFactory(category=room, capacity=4, details={})
    pets = OfferFactory(category=room, capacity=4, details={"pets": True})
    need = NeedFactory(category=room, people_count=3, details={"pets": True})

    assert proposed_offers(need, kind, [no_pets, unsaid, pets]) == {pets.pk}


@pytest.mark.parametrize("kind", PASSES)
def test_a_wheelchair_user_is_proposed_only_accessible_flats(kind):
    room = category("accommodation-short")
    stairs = OfferFactory(category=room, capacity=2, details={"accessible": False})
    accessible = OfferFactory(category=room, capacity=2, details={"accessible": True})
    need = NeedFactory(category=room, people_count=1, details={"accessible": True})

    assert proposed_offers(need, kind, [stairs, accessible]) == {accessible.pk}


@pytest.mark.parametrize("kind", PASSES)
def test_goods_go_only_with_drivers_who_carry_cargo(kind):
    goods = category("transport-goods")
    car = OfferFactory(category=goods, capacity=3, details={"cargo": False})
    van = OfferFactory(category=goods, capacity=3, details={"cargo": True, "vehicle": "van"})
    need = NeedFactory(category=goods, details={"cargo": True})

    assert proposed_offers(need, kind, [car, van]) == {van.pk}


@pytest.mark.parametrize("kind", PASSES)
def test_an_interpreter_must_cover_the_needed_pair_either_way_round(kind):
    interpreting = category("interpreting-offices")
    english = OfferFactory(
        category=interpreting,
        languages=["cs", "uk", "en"],
        details={"language_from": "cs", "language_to": "en"},
    )
    reversed_pair = OfferFactory(
        category=interpreting,
        languages=["cs", "uk", "ru"],
        details={"language_from": "ru", "language_to": "cs"},
    )
    only_one_side = OfferFactory(
        category=interpreting, languages=["cs", "ru"], details={"language_from": "ru"}
    )
    need = NeedFactory(
        category=interpreting,
        languages=["ru", "uk"],
        details={"language_from": "cs", "language_to": "ru"},
    )

    assert proposed_offers(need, kind, [english, reversed_pair, only_one_side]) == {
        reversed_pair.pk
    }


@pytest.mark.parametrize("kind", PASSES)
def test_a_need_that_states_nothing_is_not_constrained(kind):
    room = category("accommodation-long")
    offers = [
        OfferFactory(category=room, capacity=2, details={"pets": False, "accessible": False}),
        OfferFactory(category=room, capacity=2, details={}),
    ]
    need = NeedFactory(category=room, people_count=2, details={})

    assert proposed_offers(need, kind, offers) == {offer.pk for offer in offers}


def test_the_probe_walks_past_infeasible_offers_to_a_farther_feasible_one(settings):
    """The nearest K are all without pets; the one that welcomes them is farther than K."""
    from tests.matching.conftest import east_of_praha

    settings.POMOC_MATCHING_CANDIDATES = 2
    room = category("accommodation-long")
    for km in (1, 2, 3, 4):
        OfferFactory(
            category=room, capacity=4, radius_km=30, location=east_of_praha(km), details={}
        )
    far = OfferFactory(
        category=room, capacity=4, radius_km=30, location=east_of_praha(9), details={"pets": True}
    )
    need = NeedFactory(category=room, people_count=2, details={"pets": True})

    assert proposed_offers(need, "full", []) == {far.pk}
