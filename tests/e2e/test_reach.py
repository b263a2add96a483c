"""A refugee on a cheap phone: light first loads, no sideways scrolling at 360 px, posting and
searching without JavaScript, and a need posted with the keyboard alone."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.test.testcases import LiveServerThread

from needs.models import Need
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PASSWORD, log_in
from tests.factories import OfferFactory, UserFactory

LIGHT_BUDGET_BYTES = 100_000
LIGHT_PAGES = ["/cs/", "/cs/offers/", "/cs/needs/new/"]


@pytest.fixture
def posts(transactional_db, seeded_categories):
    # Enough results for the list's map and paging to appear, as on a real day.
    owner = UserFactory()
    for number in range(25):
        OfferFactory(owner=owner, title=f"Zimní oblečení {number}")
    return owner


@pytest.fixture(scope="session")
def compressed_static(tmp_path_factory):
    """The static files as production serves them: collected, then gzip and brotli copies
    written next to each (whitenoise's storage), so the transfer is what a phone would pay."""
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES}
    storages["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", "--noinput", verbosity=0)
    return root


@pytest.fixture
def production_like_server(transactional_db, compressed_static):
    from whitenoise import WhiteNoise

    def static_handler(app):
        return WhiteNoise(app, root=str(compressed_static), prefix=settings.STATIC_URL)

    thread = LiveServerThread("localhost", static_handler=static_handler, connections_override={})
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://localhost:{thread.port}"
    thread.terminate()


def transferred_bytes(page, base: str, url: str) -> tuple[int, dict[str, int]]:
    requests = []

    def finished(request) -> None:
        requests.append(request)

    page.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", finished)
    by_url: dict[str, int] = {}
    for request in requests:
        if not request.url.startswith(base):
            continue  # map tiles come from the tile server, not from Pomoc
        sizes = request.sizes()
        by_url[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return sum(by_url.values()), by_url


def test_first_loads_of_home_list_and_post_form_are_light(page, posts, production_like_server):
    base = production_like_server
    log_in(page, base, posts.email)
    context = page.context.browser.new_context(
        locale="cs-CZ", storage_state=page.context.storage_state()
    )
    fresh = context.new_page()  # an empty cache, as on a first visit
    totals = {}
    for path in LIGHT_PAGES:
        total, by_url = transferred_bytes(fresh, base, base + path)
        totals[path] = total
        assert total <= LIGHT_BUDGET_BYTES, (path, total, by_url)
    # Leaflet is fetched only where a map is on the first screen: the list, not home or the form.
    print("first-load transfer (bytes):", totals)
    context.close()


def test_leaflet_is_loaded_only_on_pages_with_a_map(page, live_server, posts):
    base = live_server.url
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    page.goto(f"{base}/en/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in loaded if "leaflet" in url]
    log_in(page, base, posts.email)
    page.goto(f"{base}/en/needs/new/")
    page.wait_for_load_state("networkidle")
    assert not [url for url in loaded if "leaflet" in url]
    # Once a place is found the map is worth its weight: Leaflet arrives and the map shows.
    page.get_by_role("textbox", name="Place").fill("Brno")
    page.get_by_role("textbox", name="Place").press("Tab")
    page.wait_for_selector("#place-map.leaflet-container")
    assert [url for url in loaded if url.endswith("leaflet.js")]
    page.goto(f"{base}/en/offers/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#results-map.leaflet-container")


@pytest.mark.parametrize("path", ["/uk/", "/uk/offers/", "/uk/needs/new/"])
def test_no_sideways_scrolling_on_a_360_px_phone(page, live_server, posts, path):
    page.set_viewport_size({"width": 360, "height": 740})
    if path.endswith("/new/"):
        log_in(page, live_server.url, posts.email)
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width} px wide"


def test_posting_and_searching_work_without_javascript(live_server, posts, monkeypatch):
    from playwright.sync_api import sync_playwright

    # The ORM calls below run inside Playwright's event-loop thread (see conftest's page).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    base = live_server.url
    refugee = UserFactory(email="nojs@example.org", preferred_language="en")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_context(java_script_enabled=False, locale="en-GB").new_page()
        page.set_default_timeout(15_000)
        log_in(page, base, refugee.email)
        page.goto(f"{base}/en/needs/new/")
        page.get_by_label("Category").select_option(label="Material aid")
        page.get_by_label("Title").fill("Winter coat for a boy of ten")
        page.get_by_role("textbox", name="Place").fill("Brno")
        page.get_by_label("Languages").select_option(["uk"])
        page.get_by_role("button", name="Save").click()
        page.wait_for_selector("text=Saved. Thank you!")
        need = Need.objects.get(owner=refugee)
        assert (need.title, need.place_name) == ("Winter coat for a boy of ten", "Brno")

        # Search with filters, still without JavaScript: the form's GET does it all.
        page.goto(f"{base}/en/offers/")
        page.get_by_label("Place").fill("Praha")
        page.get_by_role("button", name="Search").click()
        page.wait_for_load_state()
        assert "place=Praha" in page.url
        assert "Zimní oblečení" in page.content()
        browser.close()


def test_a_need_is_posted_with_the_keyboard_alone(page, live_server, seeded_categories):
    base = live_server.url
    refugee = UserFactory(email="keys@example.org", preferred_language="en")
    keyboard = page.keyboard

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({selector!r})"):
                return
        raise AssertionError(f"{selector} cannot be reached with Tab")

    page.goto(f"{base}/en/accounts/login/")
    tab_to("input[name=login]")
    keyboard.type(refugee.email)
    tab_to("input[name=password]")
    keyboard.type(PASSWORD)
    with page.expect_navigation():
        keyboard.press("Enter")

    page.goto(f"{base}/en/")
    # The skip link comes first, and the main navigation leads to the form.
    keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    tab_to("a[href$='/needs/']")
    with page.expect_navigation():
        keyboard.press("Enter")
    tab_to("a[href$='/needs/new/']")
    with page.expect_navigation():
        keyboard.press("Enter")

    tab_to("select[name=category]")
    # A select changes with the arrow keys; type-ahead picks the category by its name.
    keyboard.type("Material")
    tab_to("input[name=title]")
    keyboard.type("Warm boots, size 38")
    tab_to("input[name=place_name]")
    keyboard.type("Olomouc")
    tab_to("select[name=languages]")
    keyboard.press("ArrowDown")  # in a list box the arrows move and select
    tab_to(".post-form button[type=submit]")
    with page.expect_navigation():
        keyboard.press("Enter")
    errors = page.locator(".errorlist").all_inner_texts()
    assert errors == [] and "Saved. Thank you!" in page.content(), errors
    need = Need.objects.get(owner=refugee)
    assert (need.title, need.place_name, need.category.slug) == (
        "Warm boots, size 38",
        "Olomouc",
        "material-aid",
    )
