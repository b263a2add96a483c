"""Vetted hosts only (issue 11, item 7): an offer in a category that vets hosts (housing) is not
proposed to anyone until a coordinator or staff of a verified organisation records how the host
and the home were checked; withdrawing the verification withdraws its open proposals."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import CoordinatorScope
from matching import engine
from matching.lifecycle import match_approve, match_create_manual
from matching.models import Match, MatchStatus
from offers.models import HostVerification, Offer
from tests import factories

pytestmark = pytest.mark.django_db

CHECKLIST = ["own_room_locks", "smoke_alarm", "no_payment", "household_known"]


@pytest.fixture(autouse=True)
def _matching_off(settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"


@pytest.fixture
def room():
    return factories.category("accommodation-long")


@pytest.fixture
def host_offer(room):
    return factories.OfferFactory(category=room, capacity=3, host_verified_at=None)


@pytest.fixture
def guest_need(room):
    return factories.NeedFactory(category=room, people_count=2)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _verify_form(**changes):
    data = {
        "method": "home_visit",
        "checklist": CHECKLIST,
        "household_members": "Jana (54) and her son Petr (20).",
    }
    return data | changes


@pytest.mark.parametrize("kind", ["full", "incremental-need", "incremental-offer"])
def test_an_unverified_host_is_never_proposed_and_a_verified_one_is(
    host_offer, guest_need, coordinator, kind
):
    def run():
        if kind == "full":
            engine.full_pass()
        elif kind == "incremental-need":
            engine.incremental_pass(need_id=guest_need.pk)
        else:
            engine.incremental_pass(offer_id=host_offer.pk)

    run()
    assert not Match.objects.filter(offer=host_offer).exists()

    response = _client(coordinator).post(
        f"/en/offers/{host_offer.pk}/host-verification/", _verify_form()
    )
    assert response.status_code == 302
    run()
    assert Match.objects.filter(offer=host_offer, need=guest_need).exists()


def test_other_categories_need_no_verification(guest_need):
    clothes = factories.OfferFactory(host_verified_at=None)
    need = factories.NeedFactory()
    engine.full_pass()
    assert Match.objects.filter(offer=clothes, need=need).exists()


def test_the_checklist_must_hold_and_a_refusal_keeps_what_was_typed(host_offer, coordinator):
    response = _client(coordinator).post(
        f"/en/offers/{host_offer.pk}/host-verification/",
        _verify_form(checklist=["own_room_locks", "no_payment"]),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "Every item must hold" in page and "smoke alarm" in page
    assert "Jana (54) and her son Petr (20)." in page  # nothing typed is lost
    assert not HostVerification.objects.exists()
    assert Offer.objects.get(pk=host_offer.pk).host_verified_at is None


def test_who_may_verify(host_offer, volunteer):
    url = f"/en/offers/{host_offer.pk}/host-verification/"
    # The host cannot vouch for themselves, nor can anyone without a role in it (housing is
    # sensitive: who cannot see the offer gets 404, who can but may not verify 403).
    refused = (403, 404)
    assert _client(host_offer.owner).post(url, _verify_form()).status_code in refused
    assert _client(volunteer).post(url, _verify_form()).status_code in refused
    out_of_scope = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=out_of_scope, region="Zlínský kraj")
    assert _client(out_of_scope).post(url, _verify_form()).status_code in refused
    # Staff of the host's own organisation see it but may not vouch for their own.
    own_staff = factories.MembershipFactory(organisation__verified=True).user
    Offer.objects.filter(pk=host_offer.pk).update(organisation=own_staff.organisations.get())
    assert _client(own_staff).post(url, _verify_form()).status_code == 403
    Offer.objects.filter(pk=host_offer.pk).update(organisation=None)
    assert not HostVerification.objects.exists()
    # Staff of a verified organisation may: NGOs visit homes.
    field_worker = factories.MembershipFactory(organisation__verified=True).user
    assert _client(field_worker).post(url, _verify_form()).status_code == 302
    verification = HostVerification.objects.get()
    assert (verification.verified_by, verification.method) == (field_worker, "home_visit")


def test_a_hidden_offer_answers_404(host_offer, coordinator, volunteer):
    from moderation.services import post_hide

    post_hide(host_offer, actor=coordinator, reason="Fake")
    url = f"/en/offers/{host_offer.pk}/host-verification/"
    assert _client(volunteer).get(url).status_code == 404


def test_the_owner_sees_that_verification_is_awaited(host_offer):
    page = _client(host_offer.owner).get(f"/en/offers/{host_offer.pk}/").content.decode()
    assert "Awaiting verification" in page


def test_withdrawing_the_verification_withdraws_open_proposals(
    host_offer, guest_need, room, coordinator
):
    client = _client(coordinator)
    client.post(f"/en/offers/{host_offer.pk}/host-verification/", _verify_form())
    other_need = factories.NeedFactory(category=room, people_count=1)
    engine.full_pass()
    approved = match_approve(Match.objects.get(need=guest_need), actor=coordinator)
    proposed = Match.objects.get(need=other_need)

    refused = client.post(f"/en/offers/{host_offer.pk}/host-verification/withdraw/", {})
    assert refused.status_code == 302
    assert HostVerification.objects.get().withdrawn_at is None  # a reason is required

    client.post(
        f"/en/offers/{host_offer.pk}/host-verification/withdraw/",
        {"reason": "A guest reported the lock is broken."},
    )
    for match in (approved, proposed):
        assert Match.objects.get(pk=match.pk).status == MatchStatus.WITHDRAWN
    assert Offer.objects.get(pk=host_offer.pk).host_verified_at is None
    engine.full_pass()
    assert not Match.objects.filter(offer=host_offer, status=MatchStatus.PROPOSED).exists()


def test_a_coordinator_cannot_place_anyone_with_an_unverified_host_by_hand(
    host_offer, guest_need, coordinator
):
    with pytest.raises(ValidationError) as refused:
        match_create_manual(offer=host_offer, need=guest_need, actor=coordinator)
    assert "offer" in refused.value.message_dict
    assert not Match.objects.exists()
