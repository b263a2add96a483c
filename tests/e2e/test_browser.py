"""End to end in a real headless Chromium (Debian's package, driven by Playwright): sign up,
offer help by typing a place name, find the offer in the search."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from offers.models import Offer


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")  # an earlier browser test's flush emptied them
def test_sign_up_offer_help_and_find_it(page, live_server):
    base = live_server.url
    # Sign up as a volunteer.
    page.goto(f"{base}/en/accounts/signup/")
    page.get_by_label("Email").fill("e2e@example.org")
    page.locator("input[name=password1]").fill("a-long-and-unusual-pass")
    page.locator("input[name=password2]").fill("a-long-and-unusual-pass")
    page.get_by_label("offer help").check()
    page.get_by_label("Preferred language").select_option("en")
    page.get_by_role("button", name="Sign Up").click()
    # "Check your inbox" (the same answer for any address); then log in with the new password.
    page.wait_for_url(f"{base}/en/accounts/confirm-email/")
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    page.locator("main").get_by_role("link", name="Log in").click()
    page.locator("input[name=login]").fill("e2e@example.org")
    page.locator("input[name=password]").fill("a-long-and-unusual-pass")
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(f"{base}/en/my/")

    # Offer help, typing the place as a name (without its accent).
    page.get_by_role("link", name="Offer help").first.click()
    # The capacity is asked in the chosen category's unit: beds for a stay, seats for a lift;
    # only that category's details are shown.
    page.get_by_label("Category").select_option(label="— Short-term stay")
    expect(page.get_by_label("Beds")).to_be_visible()
    expect(page.get_by_label("Pets welcome")).to_be_visible()
    page.get_by_label("Category").select_option(label="— Transport of people")
    expect(page.get_by_label("Seats")).to_be_visible()
    expect(page.get_by_label("Beds")).to_be_hidden()
    expect(page.get_by_label("Pets welcome")).to_be_hidden()
    expect(page.get_by_label("Can carry cargo")).to_be_visible()
    page.get_by_label("Title").fill("Lift from Plzen to Praha on Fridays")
    page.get_by_role("textbox", name="Place").fill("Plzen")
    page.get_by_role("textbox", name="Place").press("Tab")
    # The form shows what the typed name resolves to before saving.
    page.wait_for_selector("text=Found: Plzeň")
    # Refine the point by clicking the map a little east of the town centre.
    box = page.locator("#place-map").bounding_box()
    page.locator("#place-map").click(position={"x": box["width"] / 2 + 60, "y": box["height"] / 2})
    page.wait_for_selector("text=The point is refined on the map.")
    page.get_by_label("Languages").select_option(["cs", "uk"])
    page.get_by_label("Seats").fill("3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=Saved. Thank you!")
    assert "Plzeň" in page.content()

    # Find it in the search, anonymously.
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{base}/en/offers/?place=Plze%C5%88&radius_km=10&sort=distance")
    page.get_by_role("link", name="Lift from Plzen to Praha on Fridays").click()
    assert "e2e@example.org" not in page.content()
    offer = Offer.objects.get()
    assert (offer.place_name, offer.capacity) == ("Plzeň", 3)
    # East of Plzeň's centre (13.378 E), by the click, yet still Plzeň.
    assert 13.38 < offer.location.x < 13.6


@pytest.mark.django_db(transaction=True)
def test_picking_a_language_switches_at_once_under_the_csp(page, live_server):
    # The switcher's handler is a static script now (no inline onchange, which the CSP blocks).
    page.goto(f"{live_server.url}/en/offers/")
    page.locator("#language-select").select_option("uk")
    page.wait_for_url("**/uk/offers/")
    expect(page.locator("html")).to_have_attribute("lang", "uk")


@pytest.mark.django_db(transaction=True)
def test_the_api_docs_render_under_the_csp(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_text("Pomoc API").first).to_be_visible()
    expect(page.locator("#swagger-ui .opblock").first).to_be_visible()
