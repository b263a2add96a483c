"""The dashboard's charts in a real headless Chromium: Chart.js loads from our own static files
and draws both charts; a volunteer reports a post through the form on its page."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope
from moderation.models import Report
from tests import factories
from tests.e2e.conftest import log_in


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_coordinator_sees_charts_and_volunteer_reports_a_post(page, live_server, settings):
    # Saving a post would queue a matching pass in the background; this test is not about it.
    settings.POMOC_MATCHING_ON_SAVE = "off"
    offer = factories.OfferFactory(title="Too good to be true", region="Hlavní město Praha")
    factories.NeedFactory(region="Jihomoravský kraj")
    volunteer = factories.UserFactory(email="reporter@example.org", preferred_language="en")
    coordinator = factories.UserFactory(
        email="coord@example.org", roles=["coordinator"], preferred_language="en"
    )
    # The role alone grants nothing (accounts.scopes): this coordinator looks after everything.
    CoordinatorScope.objects.create(user=coordinator, platform=True)
    base = live_server.url

    log_in(page, base, volunteer.email)
    page.goto(f"{base}/en/offers/{offer.pk}/")
    page.get_by_text("Report this post").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("A coordinator will look at this post soon.").wait_for()
    assert Report.objects.filter(offer=offer, reporter=volunteer).exists()

    page.context.clear_cookies()
    log_in(page, base, coordinator.email)
    page.goto(f"{base}/en/coordination/dashboard/")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-region')")
    drawn = page.evaluate(
        "() => ['chart-category', 'chart-region'].map(id => Chart.getChart(id).data.labels)"
    )
    assert "Material aid" in drawn[0]
    assert sorted(drawn[1]) == ["Hlavní město Praha", "Jihomoravský kraj"]
    page.screenshot(path="/tmp/pomoc-dashboard.png", full_page=True)
    page.goto(f"{base}/en/coordination/moderation/")
    assert "Too good to be true" in page.content()
