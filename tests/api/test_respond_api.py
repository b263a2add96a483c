"""Responding to a post through the API: POST /api/v1/offers/<id>/respond/ ("I need this")
and /api/v1/needs/<id>/respond/ ("I can help") (issue 12, part 1)."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from accounts.models import Membership
from matching.models import Match, MatchStatus, RequestedBy
from needs.models import Need
from offers.models import Offer
from tests.factories import (
    MembershipFactory,
    NeedFactory,
    OfferFactory,
    OrganisationFactory,
    UserFactory,
    category,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings, refugee):
    settings.POMOC_MATCHING_ON_SAVE = "off"
    # The API answers in the signed-in person's language; these tests read English.
    refugee.preferred_language = "en"
    refugee.save()
    with translation.override("en"):
        yield


@pytest.fixture
def offer(volunteer):
    return OfferFactory(owner=volunteer, category=category("other"), title="Winter help")


@pytest.fixture
def need(refugee):
    return NeedFactory(owner=refugee, category=category("other"), title="Need a hand")


def _url(kind: str, post) -> str:
    return f"/api/v1/{kind}/{post.pk}/respond/"


def test_i_need_this_with_an_existing_need(client_for, refugee, offer, need):
    response = client_for(refugee).post(
        _url("offers", offer), {"need": need.pk, "message": "Today?"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    match = Match.objects.get()
    assert body["id"] == match.pk and body["status"] == MatchStatus.PROPOSED
    assert (body["offer"], body["need"], body["requested_by"]) == (offer.pk, need.pk, "need")
    assert body["request_message"] == "Today?"
    assert "score" not in body and "email" not in str(body)


def test_i_need_this_with_a_new_need_takes_the_offers_category_and_place(
    client_for, refugee, offer
):
    response = client_for(refugee).post(
        _url("offers", offer),
        {"new_need": {"title": "For my family", "people_count": 3}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    new = Need.objects.get(title="For my family")
    assert (new.owner, new.category, new.place_name) == (refugee, offer.category, "Praha")
    assert new.languages == sorted(offer.languages)
    assert Match.objects.get().need == new


def test_i_can_help_with_an_offer(client_for, volunteer, offer, need):
    response = client_for(volunteer).post(_url("needs", need), {"offer": offer.pk}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["requested_by"] == RequestedBy.OFFER


def test_i_can_help_with_a_new_offer(client_for, volunteer, need):
    response = client_for(volunteer).post(
        _url("needs", need), {"new_offer": {"title": "I can drive"}}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Offer.objects.get(title="I can drive").category == need.category


def test_anonymous_gets_401_and_nothing_is_saved(api, offer, need):
    assert api.post(_url("offers", offer), {"need": need.pk}, format="json").status_code == 401
    assert not Match.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "need"),
        ({"need": 1, "new_need": {"title": "x"}}, "need"),
        ({"need": "abc"}, "need"),
        ({"need": 2**70}, "need"),
        ({"new_need": {"title": ""}}, "new_need"),
        ({"new_need": {"title": "x", "place_name": "Atlantis"}}, "new_need"),
        ({"new_need": {"title": "x", "colour": "red"}}, "new_need"),
        ({"new_need": "a string"}, "new_need"),
        ({"need": 1, "message": "x" * 1001}, "message"),
        ({"need": 1, "score": 1.0}, "score"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client_for, refugee, offer, body, field):
    response = client_for(refugee).post(_url("offers", offer), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Match.objects.exists() and not Need.objects.exists()


def test_someone_elses_need_is_refused(client_for, refugee, offer):
    theirs = NeedFactory(category=category("other"))
    response = client_for(refugee).post(_url("offers", offer), {"need": theirs.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"need": ["Choose one of your own open posts by its id."]}
    assert not Match.objects.exists()


def test_a_hidden_or_sensitive_post_is_404(client_for, refugee, need):
    hidden = OfferFactory(category=category("other"), hidden_at=timezone.now())
    sensitive = OfferFactory(category=category("legal-advice"))
    for offer in (hidden, sensitive):
        response = client_for(refugee).post(_url("offers", offer), {"need": need.pk}, format="json")
        assert response.status_code == 404
    assert not Match.objects.exists()


def test_responding_twice_is_refused(client_for, refugee, offer, need):
    client = client_for(refugee)
    assert client.post(_url("offers", offer), {"need": need.pk}, format="json").status_code == 201
    response = client.post(_url("offers", offer), {"need": need.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"need": ["This offer and need were already matched."]}
    assert Match.objects.count() == 1


def test_an_infeasible_pair_names_the_rule(client_for, refugee, need):
    far = OfferFactory(category=category("work"), languages=["de"])
    response = client_for(refugee).post(_url("offers", far), {"need": need.pk}, format="json")
    assert response.status_code == 400
    messages = " ".join(response.json()["need"])
    assert "not of the same kind of help" in messages and "share no language" in messages
    assert not Match.objects.exists()


def test_over_the_limit_is_429_and_nothing_is_saved(client_for, settings, refugee, need):
    settings.POMOC_RESPOND_RATE_LIMIT = 1
    first, second = (OfferFactory(category=category("other")) for _ in range(2))
    client = client_for(refugee)
    assert client.post(_url("offers", first), {"need": need.pk}, format="json").status_code == 201
    response = client.post(_url("offers", second), {"new_need": {"title": "Extra"}}, format="json")
    assert response.status_code == 429
    assert "responded to many posts" in response.json()["detail"]
    assert "Retry-After" in response
    assert Match.objects.count() == 1 and not Need.objects.filter(title="Extra").exists()


def test_a_non_member_cannot_respond_for_an_organisation(client_for, refugee, offer):
    organisation = OrganisationFactory()
    MembershipFactory(user=refugee, organisation=organisation, status=Membership.Status.REQUESTED)
    their_need = NeedFactory(organisation=organisation, category=category("other"))
    client = client_for(refugee)
    response = client.post(_url("offers", offer), {"need": their_need.pk}, format="json")
    assert response.status_code == 400 and "need" in response.json()
    response = client.post(
        _url("offers", offer),
        {"new_need": {"title": "For them", "organisation": organisation.pk}},
        format="json",
    )
    assert response.status_code == 400 and "organisation" in response.json()["new_need"]
    assert not Match.objects.exists() and not Need.objects.filter(title="For them").exists()


def test_staff_respond_for_their_organisation(client_for, offer):
    organisation = OrganisationFactory()
    staff = UserFactory(roles=["organisation_staff"])
    MembershipFactory(user=staff, organisation=organisation)
    response = client_for(staff).post(
        _url("offers", offer),
        {"new_need": {"title": "For a client", "organisation": organisation.pk}},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Match.objects.get().need.organisation == organisation
