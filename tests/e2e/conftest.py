"""What the browser tests share: Debian's headless Chromium driven by Playwright against
pytest-django's live server, and logging in through the real form."""

from __future__ import annotations

import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's password
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# The machine's closed network refuses Chromium's background connections; these keep it quiet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the test makes
    # afterwards are still plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The live server answers each request in a new thread; persistent connections from those
    # threads would outlive the test and block dropping the test database.
    max_age = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 0
    cache.clear()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(locale="en-GB").new_page()
        page.set_default_timeout(15_000)
        # Anything the Content-Security-Policy blocks (an inline script, handler or style that
        # crept into a template) is logged by Chromium; every browser test fails on it.
        violations: list[str] = []
        page.on(
            "console",
            lambda message: (
                violations.append(message.text)
                if "Content Security Policy" in message.text
                else None
            ),
        )
        yield page
        assert violations == [], violations
        # Inside Playwright's block the test ran in Playwright's greenlet context, with a
        # connection of its own that the test database's teardown does not see: close it here,
        # or dropping the test database finds it still open.
        connection.close()
        browser.close()
    connection.settings_dict["CONN_MAX_AGE"] = max_age
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/en/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_load_state()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
