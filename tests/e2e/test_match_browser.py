"""In a real headless Chromium: a coordinator approves a proposal from the queue, both sides
accept it on the match page and only then see each other's contact."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope
from matching.models import Match, MatchStatus
from tests.e2e.conftest import log_in, log_out
from tests.factories import MatchFactory, UserFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_coordinator_approves_and_volunteer_accepts(page, live_server):
    base = live_server.url
    coordinator = UserFactory(
        email="coord@example.org", roles=["coordinator"], preferred_language="en"
    )
    CoordinatorScope.objects.create(user=coordinator, platform=True)
    volunteer = UserFactory(
        email="vol@example.org", phone="+420 601 100 200", preferred_language="en"
    )
    refugee = UserFactory(
        email="ref@example.org", phone="+380 50 700 8000", preferred_language="en"
    )
    match = MatchFactory(
        offer__owner=volunteer,
        offer__title="Room in Karlín",
        need__owner=refugee,
        need__title="Flat for a mother and child",
    )

    # The coordinator approves the proposal from the queue.
    log_in(page, base, coordinator.email)
    page.get_by_role("link", name="Match queue").click()
    row = page.locator(f"#proposal-{match.pk}")
    assert "Room in Karlín" in row.inner_text()
    row.get_by_role("button", name="Approve").click()
    page.wait_for_selector("text=The match was approved")
    log_out(page)

    # The volunteer opens it from "My matches" and accepts; no contact yet.
    log_in(page, base, volunteer.email)
    page.get_by_role("link", name="My matches").click()
    page.get_by_role("link", name="Room in Karlín → Flat for a mother and child").click()
    assert refugee.email not in page.content()
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=your answer was saved")
    assert refugee.email not in page.content()
    log_out(page)

    # The person in need accepts too: both are connected and see each other's contact.
    log_in(page, base, refugee.email)
    page.goto(f"{base}/en/matches/{match.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Connected")
    assert volunteer.email in page.content()
    assert str(volunteer.phone) in page.content()
    assert Match.objects.get(pk=match.pk).status == MatchStatus.CONNECTED
