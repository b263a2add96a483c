"""/api/v1/matches/: a person's own matches with the match page's disclosure rules, and the
coordinators' queue and decisions within their scope."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope
from matching import lifecycle
from matching.models import MatchStatus
from moderation.models import Concern
from rights.models import ContactAccess
from tests.factories import MatchFactory, UserFactory

pytestmark = pytest.mark.django_db

PRAHA_REGION = "Hlavní město Praha"
JMK = "Jihomoravský kraj"


@pytest.fixture(autouse=True)
def _matching_on_save_off(settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"


@pytest.fixture
def proposal():
    return MatchFactory(
        offer__owner=UserFactory(display_name="Olga Offer", phone="+420601111222"),
        need__owner=UserFactory(display_name="Nadia Need", phone="+380503334444"),
        need__region=PRAHA_REGION,
    )


def _scoped(region: str):
    user = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, region=region)
    return user


def _contacts(body) -> set[str]:
    return {contact["email"] for contact in body["contacts"]}


def test_a_side_sees_an_approved_match_but_no_contacts_until_both_accept(
    client_for, proposal, coordinator
):
    offerer, needer = proposal.offer.owner, proposal.need.owner
    # A proposal nobody checked yet is not shown to its sides.
    assert client_for(offerer).get(f"/api/v1/matches/{proposal.pk}/").status_code == 404
    assert client_for(offerer).get("/api/v1/matches/").json()["count"] == 0

    lifecycle.match_approve(proposal, actor=coordinator)
    listed = client_for(offerer).get("/api/v1/matches/").json()
    assert [row["id"] for row in listed["results"]] == [proposal.pk]
    assert listed["results"][0]["sides"] == ["offer"]
    detail = client_for(offerer).get(f"/api/v1/matches/{proposal.pk}/").json()
    assert detail["can_answer"] is True and detail["contacts"] == []

    # Both accept through the API: each now sees the other's contact, and only the other's.
    answer = client_for(offerer).post(
        f"/api/v1/matches/{proposal.pk}/answer/", {"answer": "accept"}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    answer = client_for(needer).post(f"/api/v1/matches/{proposal.pk}/answer/", {"answer": "accept"})
    assert answer.json()["status"] == "connected"
    assert _contacts(client_for(offerer).get(f"/api/v1/matches/{proposal.pk}/").json()) == {
        needer.email
    }
    # The showing is in the access log of the person whose contact was shown.
    assert ContactAccess.objects.filter(subject=needer, viewer=offerer, match=proposal).exists()


def test_a_stranger_and_an_out_of_scope_coordinator_get_404(client_for, proposal, coordinator):
    lifecycle.match_approve(proposal, actor=coordinator)
    assert (
        client_for(proposal.offer.owner).get(f"/api/v1/matches/{proposal.pk}/").status_code == 200
    )
    for outsider in (UserFactory(), _scoped(JMK)):
        api = client_for(outsider)
        assert api.get(f"/api/v1/matches/{proposal.pk}/").status_code == 404
        assert (
            api.post(f"/api/v1/matches/{proposal.pk}/answer/", {"answer": "accept"}).status_code
            == 404
        )


def test_a_coordinator_in_scope_sees_no_contacts_even_when_connected(client_for, proposal):
    in_scope = _scoped(PRAHA_REGION)
    lifecycle.match_approve(proposal, actor=in_scope)
    lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)
    lifecycle.match_respond(proposal, actor=proposal.need.owner, accept=True)
    body = client_for(in_scope).get(f"/api/v1/matches/{proposal.pk}/").json()
    assert body["status"] == "connected" and body["sides"] == [] and body["contacts"] == []
    assert proposal.offer.owner.email not in str(body)


def test_queue_lists_only_proposals_in_scope_and_refuses_volunteers(client_for, proposal):
    elsewhere = MatchFactory(need__region=JMK)
    praha = client_for(_scoped(PRAHA_REGION)).get("/api/v1/matches/queue/").json()
    assert [row["id"] for row in praha["results"]] == [proposal.pk]
    brno = client_for(_scoped(JMK)).get("/api/v1/matches/queue/").json()
    assert [row["id"] for row in brno["results"]] == [elsewhere.pk]
    assert client_for(UserFactory()).get("/api/v1/matches/queue/").status_code == 403


@pytest.mark.parametrize(
    ("params", "field"), [({"urgency": "x"}, "urgency"), ({"age": "-3"}, "age")]
)
def test_queue_bad_filters_are_400_naming_the_parameter(client_for, coordinator, params, field):
    response = client_for(coordinator).get("/api/v1/matches/queue/", params)
    assert response.status_code == 400 and field in response.json()


def test_approve_and_reject_in_scope_only(client_for, proposal):
    other = MatchFactory(need__region=JMK)
    api = client_for(_scoped(PRAHA_REGION))
    # Another region's proposal is not found and stays proposed.
    assert api.post(f"/api/v1/matches/{other.pk}/approve/", {}).status_code == 404
    other.refresh_from_db()
    assert other.status == MatchStatus.PROPOSED

    rejected = api.post(f"/api/v1/matches/{proposal.pk}/reject/", {})
    assert rejected.status_code == 400 and "reason" in rejected.json()
    rejected = api.post(f"/api/v1/matches/{proposal.pk}/reject/", {"reason": "Too far apart"})
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    # Refusals of the services are 400 JSON too, never 500.
    again = api.post(f"/api/v1/matches/{proposal.pk}/approve/", {})
    assert again.status_code == 400 and "non_field_errors" in again.json()


def test_bulk_approve_is_all_or_nothing_and_reveals_nothing_out_of_scope(client_for):
    first, second = MatchFactory(need__region=PRAHA_REGION), MatchFactory(need__region=PRAHA_REGION)
    foreign = MatchFactory(need__region=JMK)
    api = client_for(_scoped(PRAHA_REGION))
    refused = api.post(
        "/api/v1/matches/bulk-approve/", {"matches": [first.pk, foreign.pk]}, format="json"
    )
    assert refused.status_code == 400 and "matches" in refused.json()
    first.refresh_from_db()
    assert first.status == MatchStatus.PROPOSED

    done = api.post(
        "/api/v1/matches/bulk-approve/", {"matches": [first.pk, second.pk]}, format="json"
    )
    assert done.status_code == 200 and done.json() == {"approved": 2}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "matches"),
        ({"matches": []}, "matches"),
        ({"matches": ["x"]}, "matches"),
        ({"matches": [1], "extra": 1}, "extra"),
    ],
)
def test_bulk_approve_bad_input(client_for, coordinator, body, field):
    response = client_for(coordinator).post("/api/v1/matches/bulk-approve/", body, format="json")
    assert response.status_code == 400 and field in response.json()


def test_close_with_outcome_by_a_side(client_for, proposal, coordinator):
    lifecycle.match_approve(proposal, actor=coordinator)
    lifecycle.match_respond(proposal, actor=proposal.offer.owner, accept=True)
    lifecycle.match_respond(proposal, actor=proposal.need.owner, accept=True)
    api = client_for(proposal.need.owner)
    missing = api.post(f"/api/v1/matches/{proposal.pk}/close/", {"worked": False}, format="json")
    assert missing.status_code == 400 and "outcome" in missing.json()
    closed = api.post(
        f"/api/v1/matches/{proposal.pk}/close/",
        {"worked": False, "outcome": "The flat was taken"},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "failed"
    # A coordinator is no party: closing is refused.
    assert (
        client_for(coordinator)
        .post(f"/api/v1/matches/{proposal.pk}/close/", {"worked": True}, format="json")
        .status_code
        == 403
    )


def test_answer_must_be_accept_or_decline(client_for, proposal, coordinator):
    lifecycle.match_approve(proposal, actor=coordinator)
    response = client_for(proposal.offer.owner).post(
        f"/api/v1/matches/{proposal.pk}/answer/", {"answer": "maybe"}
    )
    assert response.status_code == 400 and "answer" in response.json()
    proposal.refresh_from_db()
    assert proposal.offer_response == "pending"


def test_a_side_raises_a_concern_and_a_coordinator_answers(client_for, proposal, coordinator):
    lifecycle.match_approve(proposal, actor=coordinator)
    raised = client_for(proposal.need.owner).post(
        f"/api/v1/matches/{proposal.pk}/concerns/", {"text": "They asked for money"}
    )
    assert raised.status_code == 201
    concern = Concern.objects.get(pk=raised.json()["id"])
    assert (
        client_for(_scoped(JMK))
        .post(f"/api/v1/concerns/{concern.pk}/answer/", {"answer": "Hi"})
        .status_code
        == 404
    )
    answered = client_for(coordinator).post(
        f"/api/v1/concerns/{concern.pk}/answer/", {"answer": "We will call them."}
    )
    assert answered.status_code == 200 and answered.json()["answer"] == "We will call them."


def test_manual_match_names_the_missing_post(client_for, coordinator, proposal):
    response = client_for(coordinator).post(
        "/api/v1/matches/manual/", {"offer": 10**9, "need": proposal.need_id}, format="json"
    )
    assert response.status_code == 400 and "offer" in response.json()


def test_list_query_count_does_not_grow_with_matches(
    client_for, coordinator, django_assert_max_num_queries
):
    person = UserFactory()
    for _ in range(5):
        lifecycle.match_approve(MatchFactory(offer__owner=person), actor=coordinator)
    api = client_for(person)
    with django_assert_max_num_queries(8):
        response = api.get("/api/v1/matches/")
    assert response.json()["count"] == 5
