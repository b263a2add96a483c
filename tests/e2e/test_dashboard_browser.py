"""The dashboard's charts in a real headless Chromium: Chart.js loads from our own static files
and draws both charts; a volunteer reports a post through the form on its page."""

from __future__ import annotations

import importlib
import os

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import connection

from moderation.models import Report
from posts.models import Category
from tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    cache.clear()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(locale="en-GB").new_page()
        page.set_default_timeout(15_000)
        yield page
        browser.close()
    connection.settings_dict["CONN_MAX_AGE"] = max_age
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_coordinator_sees_charts_and_volunteer_reports_a_post(page, live_server, settings):
    # Saving a post would queue a matching pass in the background; this test is not about it.
    settings.POMOC_MATCHING_ON_SAVE = "off"
    if not Category.objects.exists():
        # A transactional test may start after a flush that emptied the seeded categories.
        importlib.import_module("posts.migrations.0002_seed_categories").seed(apps, None)
    offer = factories.OfferFactory(title="Too good to be true", region="Hlavní město Praha")
    factories.NeedFactory(region="Jihomoravský kraj")
    volunteer = factories.UserFactory(email="reporter@example.org", preferred_language="en")
    coordinator = factories.UserFactory(
        email="coord@example.org", roles=["coordinator"], preferred_language="en"
    )
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
    # Playwright's sync API switches greenlets, so this test's database connection may live in
    # a context the teardown's close_all() does not see: close it here, or dropping the test
    # database finds it still open.
    connection.close()
