"""In a real headless Chromium: a person downloads their data (the ZIP arrives and holds their
post) and deletes their account (then cannot log in, and the email signs up again)."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.conftest import PASSWORD, log_in
from tests.factories import NeedFactory, UserFactory


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_a_person_downloads_their_data_and_deletes_their_account(
    page, live_server, settings, tmp_path
):
    settings.POMOC_PRIVATE_ROOT = tmp_path / "private"
    settings.POMOC_MATCHING_ON_SAVE = "off"
    base = live_server.url
    person = UserFactory(email="marta@example.org", preferred_language="en")
    NeedFactory(owner=person, title="Winter boots for Danylo")

    # Download my data from the menu.
    log_in(page, base, person.email)
    page.get_by_role("link", name="My data").click()
    page.get_by_role("button", name="Prepare my download").click()
    page.wait_for_selector("text=Your download is ready.")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download", exact=True).click()
    path = tmp_path / "download.zip"
    download_info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("data.json"))
        index = archive.read("index.html").decode()
    assert [post["title"] for post in data["posts"]] == ["Winter boots for Danylo"]
    assert "Winter boots for Danylo" in index

    # Delete my account, confirming with the password.
    page.goto(f"{base}/en/my/profile/")
    page.get_by_role("link", name="Delete my account").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Delete my account").click()
    page.wait_for_selector("text=Your account was deleted.")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    # The old password no longer opens anything.
    log_in(page, base, "marta@example.org")
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # The address signs up again, as a new account.
    page.goto(f"{base}/en/accounts/signup/")
    page.get_by_label("Email").fill("marta@example.org")
    page.locator("input[name=password1]").fill("a-long-and-unusual-pass")
    page.locator("input[name=password2]").fill("a-long-and-unusual-pass")
    page.get_by_label("find help for myself or my family").check()
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(f"{base}/en/accounts/confirm-email/")
    fresh = User.objects.get(email="marta@example.org")
    assert fresh.pk != person.pk
    assert User.objects.get(pk=person.pk).email == f"deleted-{person.pk}@invalid"
