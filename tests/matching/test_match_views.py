from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from matching import lifecycle
from matching.models import MatchStatus
from tests.factories import MatchFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # reverse() then gives /en/ paths, so the pages and their messages are in English.
    with translation.override("en"):
        yield


def _contacts_in(content: str, *people) -> list[str]:
    return [
        value
        for person in people
        for value in (person.email, str(person.phone))
        if value and value in content
    ]


def test_volunteer_gets_403_on_the_queue(client, volunteer):
    client.force_login(volunteer)
    assert client.get(reverse("match_queue")).status_code == 403


def test_anonymous_is_sent_to_log_in(client, proposal):
    response = client.get(reverse("match_detail", args=[proposal.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queue_shows_pairs_with_breakdown_and_no_contacts(client, platform_coordinator, proposal):
    client.force_login(platform_coordinator)
    response = client.get(reverse("match_queue"))
    content = response.content.decode()
    assert response.status_code == 200
    assert proposal.offer.title in content and proposal.need.title in content
    assert "2.5 km" in content
    assert "pair-map-" in content
    assert "Distance" in content and "Shared languages" in content
    assert _contacts_in(content, proposal.offer.owner, proposal.need.owner) == []


def test_queue_filters_reject_bad_input_without_error(client, platform_coordinator, proposal):
    client.force_login(platform_coordinator)
    response = client.get(reverse("match_queue"), {"urgency": "x", "age": "-3"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_queue_query_count_does_not_grow_with_rows(
    client, platform_coordinator, django_assert_max_num_queries
):
    for _ in range(6):
        MatchFactory()
    client.force_login(platform_coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("match_queue")).status_code == 200


def test_coordinator_of_another_organisation_gets_404(client, proposal):
    organisation = OrganisationFactory()
    other = UserFactory(roles=["coordinator"])
    MembershipFactory(user=other, organisation=organisation)
    client.force_login(other)
    assert proposal.offer.title not in client.get(reverse("match_queue")).content.decode()
    response = client.post(reverse("match_approve", args=[proposal.pk]))
    assert response.status_code == 404
    assert client.get(reverse("match_detail", args=[proposal.pk])).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.PROPOSED


def test_approve_reject_and_bulk_from_the_queue(client, platform_coordinator):
    first, second, third, fourth = (MatchFactory() for _ in range(4))
    client.force_login(platform_coordinator)
    client.post(reverse("match_approve", args=[first.pk]))
    response = client.post(reverse("match_reject", args=[second.pk]), {"reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    client.post(reverse("match_reject", args=[second.pk]), {"reason": "Duplicate"})
    client.post(reverse("match_bulk_approve"), {"match": [third.pk, fourth.pk]})
    statuses = {m.pk: m.status for m in type(first).objects.all()}
    assert statuses == {
        first.pk: "approved",
        second.pk: "rejected",
        third.pk: "approved",
        fourth.pk: "approved",
    }
    response = client.post(reverse("match_bulk_approve"), {"match": ["abc"]}, follow=True)
    assert response.status_code == 200


def test_manual_match_form(client, platform_coordinator):
    from tests.factories import NeedFactory, OfferFactory

    offer, need = OfferFactory(), NeedFactory()
    client.force_login(platform_coordinator)
    response = client.post(reverse("match_create_manual"), {"offer": offer.pk, "need": need.pk})
    assert response.status_code == 302
    assert offer.matches.get().status == MatchStatus.APPROVED
    response = client.post(
        reverse("match_create_manual"), {"offer": 999_999, "need": need.pk}, follow=True
    )
    assert "No offer or need with that id." in response.content.decode()


def test_parties_do_not_see_a_proposal_before_approval(client, proposal):
    client.force_login(proposal.offer.owner)
    assert client.get(reverse("match_detail", args=[proposal.pk])).status_code == 404


def test_match_page_answers_and_contacts_only_when_connected(
    client, proposal, platform_coordinator
):
    offer_owner, need_owner = proposal.offer.owner, proposal.need.owner
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    url = reverse("match_detail", args=[proposal.pk])

    client.force_login(offer_owner)
    page = client.get(url).content.decode()
    assert "Accept" in page
    assert _contacts_in(page, need_owner) == []
    client.post(reverse("match_respond", args=[proposal.pk]), {"answer": "accept"})
    page = client.get(url).content.decode()
    assert _contacts_in(page, need_owner) == []
    assert 'value="accept"' not in page  # already answered

    client.force_login(need_owner)
    client.post(reverse("match_respond", args=[proposal.pk]), {"answer": "accept"})
    page = client.get(url).content.decode()
    assert _contacts_in(page, offer_owner) == [offer_owner.email, str(offer_owner.phone)]

    # Close it from the need side.
    client.post(reverse("match_close", args=[proposal.pk]), {"worked": "yes", "outcome": "Done"})
    proposal.refresh_from_db()
    assert proposal.status == MatchStatus.COMPLETED
    assert "Done" in client.get(url).content.decode()


def test_stranger_cannot_answer(client, proposal, platform_coordinator, volunteer):
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    client.force_login(volunteer)
    response = client.post(reverse("match_respond", args=[proposal.pk]), {"answer": "accept"})
    assert response.status_code == 404


def test_my_matches_lists_approved_matches(client, proposal, platform_coordinator):
    other = MatchFactory(need__owner=proposal.need.owner)  # still a proposal: not listed
    lifecycle.match_approve(proposal, actor=platform_coordinator)
    client.force_login(proposal.need.owner)
    content = client.get(reverse("my_matches")).content.decode()
    assert proposal.offer.title in content
    assert other.offer.title not in content


def test_nav_links(client, platform_coordinator, volunteer):
    client.force_login(volunteer)
    content = client.get(reverse("home")).content.decode()
    assert reverse("my_matches") in content and reverse("match_queue") not in content
    client.force_login(platform_coordinator)
    assert reverse("match_queue") in client.get(reverse("home")).content.decode()


def test_my_matches_query_count_does_not_grow_with_rows(
    client, platform_coordinator, django_assert_max_num_queries
):
    owner = UserFactory()
    for _ in range(5):
        lifecycle.match_approve(MatchFactory(need__owner=owner), actor=platform_coordinator)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("my_matches"))
    assert response.content.decode().count("/matches/") >= 5


def test_queue_pages_through_proposals_keeping_the_filters(client, platform_coordinator):
    for _ in range(27):
        MatchFactory()
    client.force_login(platform_coordinator)

    first = client.get(reverse("match_queue"), {"urgency": 1})
    second = client.get(reverse("match_queue"), {"urgency": 1, "page": 2})

    assert len(first.context["matches"]) == 25
    assert len(second.context["matches"]) == 2
    assert {m.pk for m in first.context["matches"]}.isdisjoint(
        m.pk for m in second.context["matches"]
    )
    assert 'href="?urgency=1&amp;page=2"' in first.content.decode()
