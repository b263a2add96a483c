"""In a real headless Chromium: a coordinator approves a proposal from the queue, both sides
accept it on the match page and only then see each other's contact."""

from __future__ import annotations

import pytest
from django.db import connection

from matching.models import CoordinatorScope, Match, MatchStatus
from tests.e2e.test_browser import page  # noqa: F401  (the Chromium fixture)
from tests.factories import MatchFactory, UserFactory

PASSWORD = "correct horse battery"


@pytest.fixture
def categories(transactional_db):
    """A transactional test may follow another's flush, which empties the seeded categories."""
    import importlib

    from django.apps import apps

    from posts.models import Category

    if not Category.objects.exists():
        importlib.import_module("posts.migrations.0002_seed_categories").seed(apps, None)


def _log_in(page, base: str, email: str) -> None:  # noqa: F811
    page.goto(f"{base}/en/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()


def _log_out(page) -> None:  # noqa: F811
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_coordinator_approves_and_volunteer_accepts(page, live_server, categories):  # noqa: F811
    base = live_server.url
    coordinator = UserFactory(
        email="coord@example.org", roles=["coordinator"], preferred_language="en"
    )
    CoordinatorScope.objects.create(user=coordinator, platform=True)
    volunteer = UserFactory(
        email="vol@example.org", phone="+420 600 100 200", preferred_language="en"
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
    _log_in(page, base, coordinator.email)
    page.get_by_role("link", name="Match queue").click()
    row = page.locator(f"#proposal-{match.pk}")
    assert "Room in Karlín" in row.inner_text()
    row.get_by_role("button", name="Approve").click()
    page.wait_for_selector("text=The match was approved")
    _log_out(page)

    # The volunteer opens it from "My matches" and accepts; no contact yet.
    _log_in(page, base, volunteer.email)
    page.get_by_role("link", name="My matches").click()
    page.get_by_role("link", name="Room in Karlín → Flat for a mother and child").click()
    assert refugee.email not in page.content()
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=your answer was saved")
    assert refugee.email not in page.content()
    _log_out(page)

    # The person in need accepts too: both are connected and see each other's contact.
    _log_in(page, base, refugee.email)
    page.goto(f"{base}/en/matches/{match.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Connected")
    assert volunteer.email in page.content()
    assert volunteer.phone in page.content()
    assert Match.objects.get(pk=match.pk).status == MatchStatus.CONNECTED
    connection.close()
