"""Every page forbids inline code through a Content-Security-Policy, and carries none itself
(issue 10, attack 7). If an attacker slips markup past escaping (a post title, a translation, a
future template bug), the browser must refuse to run ``<script>``, ``onerror=`` or a ``style``
that paints a fake form, so the policy must not say 'unsafe-inline', and to keep it that way the
pages must need no inline code."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests import factories

pytestmark = pytest.mark.django_db

# Script types a browser does not execute: json_script data blocks.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline event handlers, style attributes,
    ``<style>`` blocks, ``javascript:`` links and inline executable ``<script>`` bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script: str | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script" and not attributes.get("src"):
            script_type = (attributes.get("type") or "").strip().lower()
            if script_type not in DATA_SCRIPT_TYPES:
                self._inline_script = tag
                self._script_text = ""

    def handle_data(self, data: str) -> None:
        if self._inline_script is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline_script is not None:
            if self._script_text.strip():
                self.found.append(f"inline <script>: {self._script_text.strip()[:60]}")
            self._inline_script = None


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def directives(header: str) -> dict[str, list[str]]:
    policy: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def assert_strict_policy(response) -> None:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    policy = directives(header)
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    # Scripts and styles fall back to default-src when not named; either way only 'self'.
    for kind in ("script-src", "style-src"):
        sources = policy.get(kind, policy.get("default-src"))
        assert sources is not None, f"no {kind} nor default-src in {header}"
        assert "*" not in sources and "data:" not in sources, header
    assert policy.get("object-src") == ["'none'"]
    assert policy.get("frame-ancestors") == ["'none'"]


@pytest.fixture
def pages(coordinator):
    """One of each kind of page: public, signed in, and a coordinator's."""
    offer = factories.OfferFactory(title="<img src=x onerror=alert(1)>")
    need = factories.NeedFactory()
    factories.MatchFactory(offer=offer, need=need)
    anonymous = [
        "/en/",
        "/en/offers/",
        "/en/needs/",
        "/en/offers/?place=Praha&radius_km=20",
        f"/en/offers/{offer.pk}/",
        f"/en/needs/{need.pk}/",
        "/en/accounts/login/",
        "/en/accounts/signup/",
        "/en/catalogue/",
        "/en/privacy/",
        "/api/docs/",
    ]
    signed_in = [
        "/en/offers/new/",
        "/en/needs/new/",
        "/en/my/",
        "/en/matches/",
        "/en/notifications/",
        "/en/coordinate/",
        "/en/coordination/moderation/",
        "/en/coordination/dashboard/",
        "/en/my/profile/",
        "/en/my/data/",
        "/en/my/data/access/",
        "/en/my/delete/",
    ]
    return anonymous, signed_in


def test_every_main_page_has_a_strict_policy_and_no_inline_code(client, coordinator, pages):
    anonymous, signed_in = pages
    for url in anonymous:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert inline_code(response.content.decode()) == [], url
    client.force_login(coordinator)
    for url in signed_in + anonymous[:5]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict_policy(response)
        assert inline_code(response.content.decode()) == [], url


def test_the_language_switcher_works_without_an_inline_handler(client):
    html = client.get("/en/").content.decode()
    assert 'id="language-select"' in html
    assert "onchange" not in html
    # The handler lives in a static script the page loads.
    assert "js/language-switch.js" in html
    script = Path(finders.find("js/language-switch.js")).read_text()
    assert 'addEventListener("change"' in script


def test_error_pages_and_api_answers_carry_the_policy_too(client):
    assert_strict_policy(client.get("/en/offers/999999/"))
    assert_strict_policy(client.get("/api/v1/offers/"))


def test_the_api_docs_load_their_setup_script_from_a_url_not_inline(client):
    html = client.get("/api/docs/").content.decode()
    assert inline_code(html) == []
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_finder_catches_what_the_policy_blocks():
    # The parser behind the page checks, on the markup it must reject and accept.
    assert inline_code('<select onchange="this.form.submit()"></select>') == ["<select onchange=…>"]
    assert inline_code("<p style='color:red'>x</p><style>p{}</style>") == [
        "<p style=…>",
        "<style> block",
    ]
    assert inline_code("<script>alert(1)</script>") == ["inline <script>: alert(1)"]
    assert inline_code('<a href="javascript:alert(1)">x</a>') == ["<a href=javascript:…>"]
    assert inline_code('<script type="application/json" id="d">{"a": 1}</script>') == []
    assert inline_code('<script src="/static/js/x.js" defer></script>') == []
