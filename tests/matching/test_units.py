"""Capacity in the unit of each category (posts/units.py), in the full and the incremental pass
and through the lifecycle: beds for a family, seats for a lift, items for material aid."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from matching import engine, lifecycle
from matching.models import Match, MatchStatus
from needs.models import Need
from offers.models import Offer
from posts.models import PostStatus
from tests.factories import MatchFactory, NeedFactory, OfferFactory, category
from tests.matching.conftest import east_of_praha

pytestmark = pytest.mark.django_db


def full(*, need: Need | None = None, offer: Offer | None = None) -> None:
    engine.full_pass()


def for_need(*, need: Need | None = None, offer: Offer | None = None) -> None:
    engine.incremental_pass(need_id=need.pk)


def for_offer(*, need: Need | None = None, offer: Offer | None = None) -> None:
    engine.incremental_pass(offer_id=offer.pk)


# The three ways a pair comes about: the scheduled full pass, a need just posted, an offer just
# posted. Each rule is checked in all three.
PASSES = [
    pytest.param(full, id="full"),
    pytest.param(for_need, id="incremental-need"),
    pytest.param(for_offer, id="incremental-offer"),
]
Pass = Callable[..., None]


def proposals() -> dict[tuple[int, int], int]:
    """(offer, need) -> units, of the open proposals."""
    rows = Match.objects.filter(status=MatchStatus.PROPOSED)
    return {(m.offer_id, m.need_id): m.units for m in rows}


def _connect_and_complete(match: Match, coordinator) -> Match:
    lifecycle.match_approve(match, actor=coordinator)
    lifecycle.match_respond(match, actor=match.offer.owner, accept=True)
    lifecycle.match_respond(match, actor=match.need.owner, accept=True)
    return lifecycle.match_close(match, actor=match.need.owner, worked=True, outcome="Done")


@pytest.mark.parametrize("run", PASSES)
@pytest.mark.parametrize("root", ["accommodation-long", "transport-people"])
def test_a_family_of_six_is_not_proposed_one_bed_or_seat_but_is_proposed_six(root, run):
    one = OfferFactory(category=category(root), capacity=1, location=east_of_praha(0.5))
    six = OfferFactory(category=category(root), capacity=6, location=east_of_praha(3))
    family = NeedFactory(category=category(root), people_count=6)

    run(need=family, offer=one)
    if run is for_offer:
        run(need=family, offer=six)

    # The nearer one-bed room is not proposed; the room for six is, holding six beds.
    assert proposals() == {(six.pk, family.pk): 6}


@pytest.mark.parametrize("run", PASSES)
def test_a_three_bed_offer_takes_a_family_of_two_and_then_no_second_family_of_two(run):
    rooms = OfferFactory(category=category("accommodation"), capacity=3)
    first = NeedFactory(category=category("accommodation-short"), people_count=2)
    run(need=first, offer=rooms)
    assert proposals() == {(rooms.pk, first.pk): 2}

    second = NeedFactory(category=category("accommodation-short"), people_count=2)
    single = NeedFactory(category=category("accommodation-short"), people_count=1)
    run(need=second, offer=rooms)
    if run is for_need:
        run(need=single, offer=rooms)

    # One bed is left: the person alone fits, the second family does not.
    assert proposals() == {(rooms.pk, first.pk): 2, (rooms.pk, single.pk): 1}


@pytest.mark.parametrize("run", PASSES)
def test_beds_held_by_an_approved_family_are_not_offered_again(run, coordinator):
    rooms = OfferFactory(category=category("accommodation"), capacity=3)
    housed = NeedFactory(category=category("accommodation"), people_count=2)
    lifecycle.match_approve(MatchFactory(offer=rooms, need=housed), actor=coordinator)
    family = NeedFactory(category=category("accommodation"), people_count=2)

    run(need=family, offer=rooms)

    assert proposals() == {}


@pytest.mark.parametrize("run", PASSES)
def test_a_need_for_ten_coats_gets_proposals_from_several_offers(run, settings):
    settings.POMOC_MATCHING_PER_NEED = 3
    offers = [OfferFactory(capacity=4, location=east_of_praha(km)) for km in (1, 2, 3)]
    coats = NeedFactory(details={"quantity": 10})

    for offer in offers:
        run(need=coats, offer=offer)

    # Each offer gives what it has: four coats each.
    assert proposals() == {(offer.pk, coats.pk): 4 for offer in offers}


@pytest.mark.parametrize("run", PASSES)
def test_an_offer_of_ten_items_is_shared_out_without_giving_more_than_ten(run):
    offer = OfferFactory(capacity=10)
    needs = [NeedFactory(details={"quantity": 4}, location=east_of_praha(km)) for km in (1, 2, 3)]

    for need in needs:
        run(need=need, offer=offer)

    # Four, four and the two that are left: all three can be approved together.
    assert sorted(proposals().values()) == [2, 4, 4]
    assert sum(proposals().values()) == 10


@pytest.mark.parametrize("run", PASSES)
def test_a_need_for_ten_coats_stays_open_after_four_and_is_proposed_more(run, coordinator):
    first = OfferFactory(capacity=4, location=east_of_praha(1))
    coats = NeedFactory(details={"quantity": 10})
    _connect_and_complete(MatchFactory(offer=first, need=coats, units=4), coordinator)

    coats.refresh_from_db()
    assert coats.status == PostStatus.ACTIVE  # six coats still missing
    assert Offer.objects.get(pk=first.pk).status == PostStatus.FULFILLED  # all four given

    second = OfferFactory(capacity=8, location=east_of_praha(2))
    run(need=coats, offer=second)

    # The matcher keeps proposing, for the six that remain.
    assert proposals() == {(second.pk, coats.pk): 6}


@pytest.mark.parametrize("run", PASSES)
def test_a_covered_need_gets_no_more_proposals(run, coordinator):
    coats = NeedFactory(details={"quantity": 4})
    _connect_and_complete(MatchFactory(offer=OfferFactory(capacity=4), need=coats), coordinator)
    coats.status = PostStatus.ACTIVE  # say its owner reopened it by mistake
    coats.save()
    offer = OfferFactory(capacity=5)

    run(need=coats, offer=offer)

    assert proposals() == {}


def test_the_need_is_fulfilled_only_when_nothing_remains(coordinator):
    coats = NeedFactory(details={"quantity": 10})
    parts = [
        MatchFactory(offer=OfferFactory(capacity=units), need=coats, units=units)
        for units in (4, 6)
    ]

    _connect_and_complete(parts[0], coordinator)
    assert Need.objects.get(pk=coats.pk).status == PostStatus.ACTIVE
    _connect_and_complete(parts[1], coordinator)
    assert Need.objects.get(pk=coats.pk).status == PostStatus.FULFILLED


def test_approval_takes_only_what_a_material_aid_need_still_lacks(coordinator):
    coats = NeedFactory(details={"quantity": 10})
    big, bigger = OfferFactory(capacity=8), OfferFactory(capacity=9)
    first = MatchFactory(offer=big, need=coats, units=8)
    second = MatchFactory(offer=bigger, need=coats, units=9)

    lifecycle.match_approve(first, actor=coordinator)
    lifecycle.match_approve(second, actor=coordinator)

    # Two alternatives both approved: the second gives the two coats still missing.
    assert Match.objects.get(pk=second.pk).units == 2
    third = MatchFactory(offer=OfferFactory(capacity=3), need=coats)
    with pytest.raises(ValidationError, match="already cover"):
        lifecycle.match_approve(third, actor=coordinator)


def test_approving_more_beds_than_the_offer_has_is_refused(coordinator):
    rooms = OfferFactory(category=category("accommodation"), capacity=3)
    families = [NeedFactory(category=category("accommodation"), people_count=2) for _ in range(2)]
    first, second = (MatchFactory(offer=rooms, need=family) for family in families)

    lifecycle.match_approve(first, actor=coordinator)
    with pytest.raises(ValidationError, match="1 of its 3 left"):
        lifecycle.match_approve(second, actor=coordinator)

    assert Match.objects.get(pk=first.pk).units == 2
    assert Match.objects.get(pk=second.pk).status == MatchStatus.PROPOSED


def test_a_hand_made_match_that_does_not_fit_is_refused(coordinator):
    from matching.lifecycle import match_create_manual

    room = OfferFactory(category=category("accommodation"), capacity=2)
    family = NeedFactory(category=category("accommodation"), people_count=5)

    with pytest.raises(ValidationError, match="needs 5"):
        match_create_manual(offer=room, need=family, actor=coordinator)
    assert not Match.objects.exists()


def test_accepting_is_refused_once_the_capacity_was_lowered_below_the_beds_held(coordinator):
    rooms = OfferFactory(category=category("accommodation"), capacity=4)
    family = NeedFactory(category=category("accommodation"), people_count=4)
    match = lifecycle.match_approve(MatchFactory(offer=rooms, need=family), actor=coordinator)
    Offer.objects.filter(pk=rooms.pk).update(capacity=2)

    with pytest.raises(ValidationError, match="needs 4"):
        lifecycle.match_respond(match, actor=rooms.owner, accept=True)
    assert Match.objects.get(pk=match.pk).status == MatchStatus.APPROVED


def test_the_queue_shows_the_beds_a_proposal_takes_and_a_refused_approval_is_a_message(
    client, coordinator
):
    rooms = OfferFactory(category=category("accommodation"), capacity=3)
    families = [NeedFactory(category=category("accommodation"), people_count=2) for _ in range(2)]
    first, second = (MatchFactory(offer=rooms, need=family, units=2) for family in families)
    client.force_login(coordinator)
    assert "capacity 3, this match takes 2" in client.get("/en/coordinate/").content.decode()

    client.post(f"/en/coordinate/{first.pk}/approve/")
    response = client.post(f"/en/coordinate/{second.pk}/approve/", follow=True)

    assert response.status_code == 200
    assert "The offer has 1 of its 3 left (Beds); this match needs 2." in (
        response.content.decode()
    )
    assert Match.objects.get(pk=second.pk).status == MatchStatus.PROPOSED


@pytest.mark.parametrize("run", PASSES)
def test_a_nearer_room_without_enough_beds_left_does_not_hide_a_farther_one(
    run, settings, coordinator
):
    # One candidate per need: the probe itself must skip the room that cannot take the family.
    settings.POMOC_MATCHING_CANDIDATES = 1
    near = OfferFactory(category=category("accommodation"), capacity=3, location=east_of_praha(1))
    far = OfferFactory(category=category("accommodation"), capacity=4, location=east_of_praha(6))
    housed = NeedFactory(category=category("accommodation"), people_count=2)
    lifecycle.match_approve(MatchFactory(offer=near, need=housed), actor=coordinator)
    family = NeedFactory(category=category("accommodation"), people_count=2)

    run(need=family, offer=near)
    if run is for_offer:
        run(need=family, offer=far)

    assert {pair: units for pair, units in proposals().items() if pair[1] == family.pk} == {
        (far.pk, family.pk): 2
    }
