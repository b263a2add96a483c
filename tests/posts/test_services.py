from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from offers.models import Offer
from offers.services import offer_set_status, offer_update
from posts.models import PostStatus
from posts.services import posts_expire
from tests import factories

pytestmark = pytest.mark.django_db


def test_owner_can_pause_and_reactivate_an_offer(volunteer):
    offer = factories.OfferFactory(owner=volunteer)
    offer_set_status(offer, actor=volunteer, status=PostStatus.PAUSED)
    offer_set_status(offer, actor=volunteer, status=PostStatus.ACTIVE)
    offer.refresh_from_db()
    assert offer.status == PostStatus.ACTIVE


def test_a_stranger_cannot_edit_or_withdraw_someone_elses_offer(volunteer):
    offer = factories.OfferFactory(owner=volunteer, title="Mine")
    stranger = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        offer_update(offer, actor=stranger, title="Hijacked")
    with pytest.raises(PermissionDenied):
        offer_set_status(offer, actor=stranger, status=PostStatus.WITHDRAWN)
    offer.refresh_from_db()
    assert (offer.title, offer.status) == ("Mine", PostStatus.ACTIVE)


def test_organisation_colleague_and_coordinator_can_edit(volunteer, coordinator):
    membership = factories.MembershipFactory(user=volunteer)
    colleague = factories.MembershipFactory(organisation=membership.organisation).user
    offer = factories.OfferFactory(owner=volunteer, organisation=membership.organisation)
    offer_update(offer, actor=colleague, capacity=4)
    offer_update(offer, actor=coordinator, title="Checked by coordinator")
    offer.refresh_from_db()
    assert (offer.capacity, offer.title) == (4, "Checked by coordinator")


def test_withdrawn_offer_cannot_come_back(volunteer):
    offer = factories.OfferFactory(owner=volunteer, status=PostStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as error:
        offer_set_status(offer, actor=volunteer, status=PostStatus.ACTIVE)
    assert "status" in error.value.message_dict


def test_update_with_bad_values_changes_nothing(volunteer):
    offer = factories.OfferFactory(owner=volunteer, radius_km=10, place_name="Praha")
    with pytest.raises(ValidationError) as error:
        offer_update(offer, actor=volunteer, radius_km=900, place_name="Nowhere Town")
    assert "place_name" in error.value.message_dict or "radius_km" in error.value.message_dict
    stored = Offer.objects.get(pk=offer.pk)
    assert (stored.radius_km, stored.place_name) == (10, "Praha")


def test_owner_cannot_change_protected_fields(volunteer):
    offer = factories.OfferFactory(owner=volunteer)
    with pytest.raises(ValidationError) as error:
        offer_update(offer, actor=volunteer, owner=factories.UserFactory())
    assert "owner" in error.value.message_dict


def test_posts_past_valid_until_expire_and_others_do_not():
    today = dt.date(2026, 11, 23)
    old = factories.OfferFactory(valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 11, 22))
    current = factories.OfferFactory(valid_from=dt.date(2026, 1, 1), valid_until=today)
    open_ended = factories.OfferFactory(valid_from=dt.date(2026, 1, 1), valid_until=None)

    assert posts_expire(Offer, today=today) == 1

    statuses = dict(Offer.objects.values_list("pk", "status"))
    assert statuses[old.pk] == PostStatus.EXPIRED
    assert statuses[current.pk] == PostStatus.ACTIVE
    assert statuses[open_ended.pk] == PostStatus.ACTIVE


def test_expired_post_needs_a_new_date_before_reactivation(volunteer):
    offer = factories.OfferFactory(
        owner=volunteer,
        status=PostStatus.EXPIRED,
        valid_from=dt.date(2020, 1, 1),
        valid_until=dt.date(2020, 2, 1),
    )
    with pytest.raises(ValidationError) as error:
        offer_set_status(offer, actor=volunteer, status=PostStatus.ACTIVE)
    assert "valid_until" in error.value.message_dict


def test_a_post_knows_its_region_from_the_place(volunteer):
    from offers.services import offer_create

    offer = offer_create(
        owner=volunteer,
        category=factories.category("food"),
        title="Food parcels",
        place_name="Zizkov",
        languages=["cs"],
    )
    assert (offer.place_name, offer.region) == ("Žižkov", "Hlavní město Praha")
