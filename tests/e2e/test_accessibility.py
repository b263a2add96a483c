"""axe-core in a real Chromium on every main page, in Czech and Ukrainian: no serious or critical
violation. A refugee with a screen reader or only a keyboard must be able to use Pomoc."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from accounts.models import CoordinatorScope
from tests.e2e.conftest import log_in
from tests.factories import (
    MatchFactory,
    OrganisationFactory,
    ProjectFactory,
    UserFactory,
    category,
)

# (path without the language prefix, who looks at it). One list, so a new page is one line.
PAGES = [
    ("/", None),
    ("/offers/", None),
    ("/needs/", None),
    ("/offers/{offer}/", None),
    ("/catalogue/", None),
    ("/catalogue/organisations/", None),
    ("/statistics/", None),
    ("/newsletter/", None),
    ("/accounts/signup/", None),
    ("/accounts/login/", None),
    ("/offers/new/", "coordinator"),
    ("/needs/new/", "coordinator"),
    ("/my/", "coordinator"),
    ("/matches/{match}/", "coordinator"),
    ("/coordinate/", "coordinator"),
    ("/coordination/dashboard/", "coordinator"),
    ("/intake/", "coordinator"),
    ("/coordination/moderation/posts/", "coordinator"),
]
BLOCKING = {"serious", "critical"}


@pytest.fixture
def scene(transactional_db, seeded_categories):
    coordinator = UserFactory(email="coord@example.org", roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, platform=True)
    match = MatchFactory(
        offer__owner=coordinator,
        offer__title="Zimní bundy a boty",
        offer__category=category("clothes"),
        need__title="Шукаю зимову куртку для сина",
        need__category=category("clothes"),
    )
    ProjectFactory()
    OrganisationFactory(verified=True)  # someone the coordinator may register people for
    return {"coordinator": coordinator, "offer": match.offer_id, "match": match.pk}


def blocking_violations(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["cs", "uk"])
def test_main_pages_have_no_serious_accessibility_violations(page, live_server, scene, language):
    base = live_server.url
    found: dict[str, list[str]] = {}
    logged_in = False
    for path, who in PAGES:
        if who and not logged_in:
            log_in(page, base, scene["coordinator"].email)
            logged_in = True
        url = f"{base}/{language}{path.format(**scene)}"
        response = page.goto(url)
        assert response.status == 200, url
        assert page.locator("html").get_attribute("lang") == language
        violations = blocking_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
