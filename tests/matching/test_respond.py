"""Responding to a post: "I need this" on an offer, "I can help" on a need (issue 12, part 1)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import CoordinatorScope, Membership
from matching.models import Match, MatchStatus, MatchTransition, RequestedBy
from matching.respond import match_request
from needs.models import Need
from offers.models import Offer
from posts.ratelimit import RateLimitExceeded
from tests.factories import (
    MatchFactory,
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    OrganisationFactory,
    UserFactory,
    category,
)
from tests.matching.rule_cases import INFEASIBLE, build

pytestmark = pytest.mark.django_db

PRAGUE = "Hlavní město Praha"
SOUTH_MORAVIA = "Jihomoravský kraj"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def offer(volunteer):
    return OfferFactory(
        owner=volunteer, category=category("other"), title="Winter help", region=PRAGUE
    )


@pytest.fixture
def need(refugee):
    return NeedFactory(
        owner=refugee, category=category("other"), title="Need a hand", region=PRAGUE
    )


def _respond_url(kind: str, post) -> str:
    return reverse(f"{kind}_respond", args=[post.pk])


# The happy paths, on the web.


def test_i_need_this_with_my_need_creates_a_proposal_asked_for_by_the_need_side(
    client, refugee, offer, need
):
    client.force_login(refugee)
    page = client.get(reverse("offer_detail", args=[offer.pk])).content.decode()
    assert "I need this" in page and _respond_url("offer", offer) in page
    response = client.post(
        _respond_url("offer", offer), {"own": str(need.pk), "message": "We can pick it up today."}
    )
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.offer, match.need, match.status) == (offer, need, MatchStatus.PROPOSED)
    assert match.requested_by == RequestedBy.NEED
    assert match.requester == refugee
    assert match.request_message == "We can pick it up today."
    assert match.explanation["factors"]  # scored like the matcher's proposals
    step = MatchTransition.objects.get(match=match)
    assert step.actor == refugee and "need's side" in step.reason


def test_i_need_this_can_write_the_need_in_the_same_step(client, refugee, offer):
    client.force_login(refugee)
    form = client.get(_respond_url("offer", offer)).content.decode()
    assert 'value="Praha"' in form  # the place is filled in from the offer
    response = client.post(
        _respond_url("offer", offer),
        {
            "own": "new",
            "title": "Help for my mother",
            "place_name": "Praha",
            "languages": ["uk"],
            "people_count": "2",
        },
    )
    assert response.status_code == 302
    need = Need.objects.get(title="Help for my mother")
    assert need.owner == refugee and need.category == offer.category
    assert need.people_count == 2
    assert Match.objects.get().need == need


def test_i_can_help_on_a_need_with_my_offer(client, volunteer, offer, need):
    client.force_login(volunteer)
    page = client.get(reverse("need_detail", args=[need.pk])).content.decode()
    assert "I can help" in page
    response = client.post(_respond_url("need", need), {"own": str(offer.pk)})
    assert response.status_code == 302
    match = Match.objects.get()
    assert match.requested_by == RequestedBy.OFFER and match.requester == volunteer


def test_the_owner_sees_no_response_button_on_their_own_post(client, volunteer, offer):
    client.force_login(volunteer)
    page = client.get(reverse("offer_detail", args=[offer.pk])).content.decode()
    assert "I need this" not in page


def test_staff_respond_with_their_organisations_need(client, offer):
    organisation = OrganisationFactory()
    colleague, staff = UserFactory(), UserFactory(roles=["organisation_staff"])
    for person in (colleague, staff):
        MembershipFactory(user=person, organisation=organisation)
    need = NeedFactory(owner=colleague, organisation=organisation, category=category("other"))
    client.force_login(staff)
    response = client.post(_respond_url("offer", offer), {"own": str(need.pk)})
    assert response.status_code == 302
    match = Match.objects.get()
    assert match.need == need and match.requester == staff


# Refusals: a clear error, nothing saved.


def test_responding_with_someone_elses_need_is_refused(client, refugee, offer):
    someone_elses = NeedFactory(category=category("other"))
    client.force_login(refugee)
    response = client.post(_respond_url("offer", offer), {"own": str(someone_elses.pk)})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        match_request(actor=refugee, target=offer, own=someone_elses)
    assert refused.value.message_dict == {"need": ["Choose one of your own needs."]}
    assert not Match.objects.exists()


@pytest.mark.parametrize("hide", ["hidden", "paused", "sensitive"])
def test_responding_to_a_post_one_cannot_see_is_404_and_refused(client, refugee, need, hide):
    offer = OfferFactory(category=category("other"))
    if hide == "hidden":
        offer.hidden_at = timezone.now()
    elif hide == "paused":
        offer.status = "paused"
    else:
        offer.category = category("legal-advice")
    offer.save()
    client.force_login(refugee)
    assert client.get(_respond_url("offer", offer)).status_code == 404
    assert client.post(_respond_url("offer", offer), {"own": str(need.pk)}).status_code == 404
    with pytest.raises(ValidationError) as refused:
        match_request(actor=refugee, target=offer, own=need)
    assert refused.value.message_dict == {"offer": ["This post is not open for responses."]}
    assert not Match.objects.exists()


def test_responding_twice_is_refused(client, refugee, offer, need):
    client.force_login(refugee)
    assert client.post(_respond_url("offer", offer), {"own": str(need.pk)}).status_code == 302
    response = client.post(_respond_url("offer", offer), {"own": str(need.pk)})
    assert response.status_code == 400
    assert "already matched" in response.content.decode()
    assert Match.objects.count() == 1


def test_responding_over_the_limit_is_refused(client, settings, refugee):
    settings.POMOC_RESPOND_RATE_LIMIT = 2
    offers = [OfferFactory(category=category("other")) for _ in range(3)]
    need = NeedFactory(owner=refugee, category=category("other"))
    client.force_login(refugee)
    for offer in offers[:2]:
        assert client.post(_respond_url("offer", offer), {"own": str(need.pk)}).status_code == 302
    response = client.post(
        _respond_url("offer", offers[2]),
        {"own": "new", "title": "One more", "place_name": "Praha", "languages": ["uk"]},
    )
    assert response.status_code == 429
    assert "responded to many posts" in response.content.decode()
    with pytest.raises(RateLimitExceeded):
        match_request(actor=refugee, target=offers[2], own=need)
    assert Match.objects.count() == 2
    assert not Need.objects.filter(title="One more").exists()


@pytest.mark.parametrize("case", INFEASIBLE)
def test_a_pair_the_matcher_would_never_propose_cannot_be_asked_for(case, verified_staff):
    # Verified staff see the sensitive categories, so every rule can be tried by one person.
    pair = build(case, need_owner=verified_staff)
    before = set(Match.objects.values_list("pk", "status"))
    with pytest.raises(ValidationError) as refused:
        match_request(actor=verified_staff, target=pair.offer, own=pair.need)
    if case == "offer_hidden":
        assert refused.value.message_dict == {"offer": ["This post is not open for responses."]}
    else:
        (message,) = refused.value.message_dict["need"]
        assert pair.words in message
    assert set(Match.objects.values_list("pk", "status")) == before


def test_an_infeasible_response_with_a_new_need_saves_no_need(client, refugee):
    offer = OfferFactory(category=category("other"), languages=["de"])
    client.force_login(refugee)
    response = client.post(
        _respond_url("offer", offer),
        {"own": "new", "title": "Lost need", "place_name": "Praha", "languages": ["uk"]},
    )
    assert response.status_code == 400
    assert "share no language" in response.content.decode()
    assert not Need.objects.filter(title="Lost need").exists()
    assert not Match.objects.exists()


def test_posting_for_an_organisation_one_is_not_staff_of_is_refused(client, refugee, offer):
    organisation = OrganisationFactory()
    MembershipFactory(user=refugee, organisation=organisation, status=Membership.Status.REQUESTED)
    their_need = NeedFactory(organisation=organisation, category=category("other"))
    with pytest.raises(ValidationError) as refused:
        match_request(actor=refugee, target=offer, own=their_need)
    assert "your own needs" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        match_request(
            actor=refugee,
            target=offer,
            new_post={
                "category": offer.category,
                "title": "For them",
                "place_name": "Praha",
                "languages": ["uk"],
                "organisation": organisation,
            },
        )
    assert "organisation" in refused.value.message_dict
    assert not Match.objects.exists()
    assert not Need.objects.filter(title="For them").exists()


def test_a_message_too_long_is_refused(refugee, offer, need):
    with pytest.raises(ValidationError) as refused:
        match_request(actor=refugee, target=offer, own=need, message="x" * 1001)
    assert "message" in refused.value.message_dict
    assert not Match.objects.exists()


def test_a_pair_back_in_the_pool_can_be_asked_for_again(refugee, offer, need):
    earlier = MatchFactory(offer=offer, need=need, score=0.4, status=MatchStatus.EXPIRED)
    match = match_request(actor=refugee, target=offer, own=need, message="Still needed")
    assert match.pk == earlier.pk
    assert match.status == MatchStatus.PROPOSED and match.requested_by == RequestedBy.NEED
    assert match.transitions.last().from_status == MatchStatus.EXPIRED


# The coordinators' queue.


def test_coordinators_in_scope_see_the_request_marked_and_can_filter(client, refugee, offer, need):
    requested = match_request(actor=refugee, target=offer, own=need, message="Please, soon")
    proposed = MatchFactory(offer=OfferFactory(category=category("other")), need=need, score=0.9)
    coordinator = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, region=PRAGUE)
    client.force_login(coordinator)
    page = client.get(reverse("match_queue")).content.decode()
    assert f'id="proposal-{requested.pk}"' in page and f'id="proposal-{proposed.pk}"' in page
    assert "Asked for by the need's side" in page and "Please, soon" in page
    assert "Proposed by the matcher" in page
    only_requested = client.get(reverse("match_queue"), {"origin": "requested"}).content.decode()
    assert f'id="proposal-{requested.pk}"' in only_requested
    assert f'id="proposal-{proposed.pk}"' not in only_requested
    only_matcher = client.get(reverse("match_queue"), {"origin": "matcher"}).content.decode()
    assert f'id="proposal-{requested.pk}"' not in only_matcher
    assert f'id="proposal-{proposed.pk}"' in only_matcher


def test_coordinators_out_of_scope_do_not_see_the_request(client, refugee, offer, need):
    requested = match_request(actor=refugee, target=offer, own=need)
    elsewhere = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=elsewhere, region=SOUTH_MORAVIA)
    client.force_login(elsewhere)
    page = client.get(reverse("match_queue")).content.decode()
    assert f'id="proposal-{requested.pk}"' not in page and need.title not in page
    assert client.post(reverse("match_approve", args=[requested.pk])).status_code == 404
    requested.refresh_from_db()
    assert requested.status == MatchStatus.PROPOSED


def test_an_approved_request_goes_on_like_any_match(refugee, volunteer, offer, need, coordinator):
    from matching import lifecycle

    match = match_request(actor=refugee, target=offer, own=need)
    lifecycle.match_approve(match, actor=coordinator)
    lifecycle.match_respond(match, actor=volunteer, accept=True)
    match = lifecycle.match_respond(match, actor=refugee, accept=True)
    assert match.status == MatchStatus.CONNECTED


def test_the_responders_new_offer_gets_the_needs_category(client, volunteer, need):
    client.force_login(volunteer)
    response = client.post(
        _respond_url("need", need),
        {
            "own": "new",
            "title": "I have time",
            "place_name": "Praha",
            "languages": ["cs"],
            "capacity": "1",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(title="I have time")
    assert offer.category == need.category and offer.owner == volunteer
    assert Match.objects.get().offer == offer


def test_the_responder_sees_their_request_waiting_until_a_coordinator_decides(
    client, refugee, offer, need, coordinator
):
    from matching import lifecycle

    match = match_request(actor=refugee, target=offer, own=need)
    client.force_login(refugee)
    page = client.get(reverse("my_matches")).content.decode()
    assert "waiting for a coordinator" in page and "Winter help" in page
    assert reverse("match_detail", args=[match.pk]) not in page
    lifecycle.match_approve(match, actor=coordinator)
    page = client.get(reverse("my_matches")).content.decode()
    assert "waiting for a coordinator" not in page
    assert reverse("match_detail", args=[match.pk]) in page
