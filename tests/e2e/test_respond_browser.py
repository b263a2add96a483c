"""In a real headless Chromium (issue 12, journey a): a refugee finds an offer, presses "I need
this" and writes the need in the same step; the coordinator sees it marked as asked for and
approves it; both accept, and only then do their contacts appear."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope
from matching.models import Match, MatchStatus, RequestedBy
from needs.models import Need
from tests.e2e.conftest import log_in, log_out
from tests.factories import OfferFactory, UserFactory, category


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_refugee_asks_for_an_offer_and_gets_connected(page, live_server, settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"
    base = live_server.url
    coordinator = UserFactory(
        email="coord@example.org", roles=["coordinator"], preferred_language="en"
    )
    CoordinatorScope.objects.create(user=coordinator, platform=True)
    volunteer = UserFactory(
        email="vol@example.org", phone="+420 601 100 200", preferred_language="en"
    )
    refugee = UserFactory(
        email="ref@example.org",
        phone="+380 50 700 8000",
        roles=["in_need"],
        preferred_language="en",
    )
    OfferFactory(
        owner=volunteer,
        category=category("other"),
        title="Help with moving boxes",
        capacity=2,
    )

    # The refugee finds the offer and presses "I need this".
    log_in(page, base, refugee.email)
    page.goto(f"{base}/en/offers/")
    page.get_by_role("link", name="Help with moving boxes").click()
    page.get_by_role("link", name="I need this").click()
    # No need yet: the need is written here, its place and languages taken from the offer.
    page.get_by_label("Write a new need").check()
    assert page.get_by_label("Place").input_value() == "Praha"
    page.get_by_label("Title").fill("Moving to a new flat on Friday")
    page.get_by_label("Number of people").fill("3")
    page.get_by_label("Message for the coordinator").fill("We have twelve boxes.")
    page.get_by_role("button", name="Send the request").click()
    page.wait_for_selector("text=A coordinator will look at your request")
    need = Need.objects.get(title="Moving to a new flat on Friday")
    match = Match.objects.get(need=need)
    assert match.requested_by == RequestedBy.NEED
    log_out(page)

    # The coordinator sees it marked as asked for, with the message, and approves it.
    log_in(page, base, coordinator.email)
    page.get_by_role("link", name="Match queue").click()
    page.get_by_label("Who asked").select_option("requested")
    page.get_by_role("button", name="Filter").click()
    row = page.locator(f"#proposal-{match.pk}")
    assert "Asked for by the need's side" in row.inner_text()
    assert "We have twelve boxes." in row.inner_text()
    row.get_by_role("button", name="Approve").click()
    page.wait_for_selector("text=The match was approved")
    log_out(page)

    # The volunteer accepts; no contact yet.
    log_in(page, base, volunteer.email)
    page.goto(f"{base}/en/matches/{match.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=your answer was saved")
    assert refugee.email not in page.content()
    log_out(page)

    # The refugee accepts: both are connected and the volunteer's contact appears.
    log_in(page, base, refugee.email)
    page.goto(f"{base}/en/matches/{match.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Connected")
    assert volunteer.email in page.content()
    assert str(volunteer.phone) in page.content()
    assert Match.objects.get(pk=match.pk).status == MatchStatus.CONNECTED
