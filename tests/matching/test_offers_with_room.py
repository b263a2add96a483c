"""A new need's own pass walks only the offers with a unit free, and a new offer's only the needs
not yet covered (``candidates.OFFERS_WITH_ROOM`` and ``NEEDS_WITH_ROOM``, kept by triggers,
migrations 0016 and 0017). These scenes check that a post is found again whenever it has room
again, whatever gave it back, and is not found while it has none."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from matching import engine
from matching.lifecycle import match_approve, match_reject
from matching.models import Match, MatchStatus
from needs.models import Need
from needs.services import need_update
from offers.models import Offer
from offers.services import offer_set_status, offer_update
from posts.models import PostStatus
from tests.factories import BRNO, NeedFactory, OfferFactory, category

pytestmark = pytest.mark.django_db


def offers_for_new_need(**need) -> set[int]:
    """The offers a need posted now is proposed by its own pass."""
    new = NeedFactory(**need)
    engine.incremental_pass(need_id=new.pk)
    return set(
        Match.objects.filter(need=new, status=MatchStatus.PROPOSED).values_list(
            "offer_id", flat=True
        )
    )


def full_offer() -> tuple:
    offer = OfferFactory(capacity=1)
    first = NeedFactory()
    engine.incremental_pass(need_id=first.pk)
    match = Match.objects.get(offer=offer, need=first)
    assert offers_for_new_need() == set(), "a full offer is proposed to nobody else"
    return offer, match


def test_an_offer_whose_only_proposal_is_rejected_is_found_by_the_next_new_need(
    platform_coordinator,
):
    offer, match = full_offer()

    match_reject(match, actor=platform_coordinator, reason="The host cannot take a child.")

    assert offers_for_new_need() == {offer.pk}


def test_an_offer_whose_match_is_deleted_is_found_again():
    offer, match = full_offer()

    match.delete()

    assert offers_for_new_need() == {offer.pk}


def test_a_full_offer_given_more_capacity_is_found_again():
    offer, _ = full_offer()

    offer_update(offer, actor=offer.owner, capacity=2)

    assert offers_for_new_need() == {offer.pk}


def test_a_paused_offer_is_not_found_and_is_found_again_once_resumed():
    offer = OfferFactory(capacity=3)

    offer_set_status(offer, actor=offer.owner, status=PostStatus.PAUSED)
    assert offers_for_new_need() == set()

    offer_set_status(offer, actor=offer.owner, status=PostStatus.ACTIVE)
    assert offers_for_new_need() == {offer.pk}


def test_a_moved_offer_is_found_where_it_is_now_and_not_where_it_was():
    offer = OfferFactory(capacity=5, radius_km=10)

    offer_update(offer, actor=offer.owner, place_name="Brno")

    assert offers_for_new_need(radius_km=0) == set()
    assert offers_for_new_need(location=BRNO, radius_km=0) == {offer.pk}


def test_an_offer_with_room_lost_from_the_list_is_mended_by_the_next_full_pass():
    # What a race between two transactions changing one offer's matches could leave behind
    # (migration 0016): the list missing an offer that has room.
    offer = OfferFactory(capacity=3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM matching_offer_with_room WHERE offer_id = %s", [offer.pk])

    engine.full_pass()  # nothing to propose: no trigger lists the offer again, the pass does

    assert offers_for_new_need() == {offer.pk}


def test_an_offer_listed_while_full_is_still_not_proposed():
    # The other way round: the list is only a shortcut; the rules read the offer's own row.
    offer, _ = full_offer()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO matching_offer_with_room "
            "SELECT id, category_root_id, location_3035, radius_km, remote, match_keys "
            "FROM offers_offer WHERE id = %s",
            [offer.pk],
        )

    assert offers_for_new_need() == set()


def needs_for_new_offer(**offer) -> set[int]:
    """The needs an offer posted now is proposed to by its own pass."""
    new = OfferFactory(**offer)
    engine.incremental_pass(offer_id=new.pk)
    return set(
        Match.objects.filter(offer=new, status=MatchStatus.PROPOSED).values_list(
            "need_id", flat=True
        )
    )


def need_with_its_proposals(settings) -> tuple:
    settings.POMOC_MATCHING_PER_NEED = 1
    need = NeedFactory()
    assert needs_for_new_offer() == {need.pk}
    assert needs_for_new_offer() == set(), "a need with its proposals gets no more"
    return need, Match.objects.get(need=need)


def test_a_need_whose_proposal_is_rejected_is_found_by_the_next_new_offer(
    settings, platform_coordinator
):
    need, match = need_with_its_proposals(settings)

    match_reject(match, actor=platform_coordinator, reason="The offer is too far for them.")

    assert needs_for_new_offer() == {need.pk}


def test_a_need_with_its_proposals_is_found_once_more_proposals_are_allowed(settings):
    need, _ = need_with_its_proposals(settings)

    settings.POMOC_MATCHING_PER_NEED = 2

    assert needs_for_new_offer() == {need.pk}


def test_a_material_aid_need_is_found_until_held_matches_cover_its_quantity(
    platform_coordinator,
):
    need = NeedFactory(category=category("clothes"), details={"quantity": 5})
    first = OfferFactory(category=category("clothes"), capacity=3)
    engine.incremental_pass(offer_id=first.pk)
    match_approve(Match.objects.get(offer=first, need=need), actor=platform_coordinator)

    assert needs_for_new_offer(category=category("clothes"), capacity=3) == {need.pk}


def test_a_covered_material_aid_need_is_not_found_until_it_asks_for_more(
    platform_coordinator,
):
    need = NeedFactory(category=category("clothes"), details={"quantity": 2})
    first = OfferFactory(category=category("clothes"), capacity=5)
    engine.incremental_pass(offer_id=first.pk)
    match_approve(Match.objects.get(offer=first, need=need), actor=platform_coordinator)
    assert needs_for_new_offer(category=category("clothes"), capacity=5) == set()

    need_update(need, actor=need.owner, details={"quantity": 4})

    assert needs_for_new_offer(category=category("clothes"), capacity=5) == {need.pk}


def test_a_need_lost_from_the_list_is_mended_by_the_next_full_pass():
    need = NeedFactory()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM matching_need_with_room WHERE need_id = %s", [need.pk])

    engine.full_pass()  # nothing to propose: no trigger lists the need again, the pass does

    assert needs_for_new_offer(capacity=5) == {need.pk}


# The full pass, in transactions of its own, writes past the triggers and brings the lists up
# to date at its end (``candidates.rooms_sync``).


@pytest.mark.usefixtures("seeded_categories")
def test_an_offer_freed_by_the_full_pass_is_found_by_the_next_new_need():
    # An offer whose only proposal the pass withdrew (the need expired) has room again.
    offer = OfferFactory(capacity=1)
    need = NeedFactory()
    engine.incremental_pass(need_id=need.pk)
    assert Match.objects.filter(offer=offer, need=need).exists()
    Need.objects.filter(pk=need.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))

    result = engine.full_pass()

    assert result.expired == 1 and result.withdrawn == 1
    assert offers_for_new_need() == {offer.pk}


@pytest.mark.usefixtures("seeded_categories")
def test_a_need_given_its_proposals_by_the_full_pass_is_not_offered_more(settings):
    settings.POMOC_MATCHING_PER_NEED = 1
    need = NeedFactory()
    OfferFactory(capacity=5)

    engine.full_pass()

    assert Match.objects.filter(need=need, status=MatchStatus.PROPOSED).count() == 1
    assert needs_for_new_offer(capacity=5) == set()


@pytest.mark.usefixtures("seeded_categories")
def test_a_need_freed_by_the_full_pass_is_found_by_the_next_new_offer(settings):
    settings.POMOC_MATCHING_PER_NEED = 1
    need = NeedFactory()
    offer = OfferFactory(capacity=1)
    engine.incremental_pass(offer_id=offer.pk)
    assert Match.objects.filter(offer=offer, need=need).exists()
    Offer.objects.filter(pk=offer.pk).update(
        valid_until=timezone.localdate() - dt.timedelta(days=1)
    )

    engine.full_pass()

    assert needs_for_new_offer() == {need.pk}


@pytest.mark.usefixtures("seeded_categories")
def test_after_a_full_pass_a_rejected_proposal_frees_its_offer_at_once(platform_coordinator):
    offer = OfferFactory(capacity=1)
    need = NeedFactory()
    engine.full_pass()
    match = Match.objects.get(offer=offer, need=need)

    match_reject(match, actor=platform_coordinator, reason="The family found a flat.")

    assert offers_for_new_need() == {offer.pk}


def test_an_offer_listed_where_it_no_longer_is_is_mended_by_the_next_full_pass():
    # What a refresh racing a move of the offer could leave: the list with its old place.
    offer = OfferFactory(capacity=3, radius_km=10)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE matching_offer_with_room SET location_3035 = "
            "ST_Translate(location_3035, 200000, 0) WHERE offer_id = %s",
            [offer.pk],
        )

    engine.full_pass()  # nothing to propose

    assert offers_for_new_need(radius_km=0) == {offer.pk}
