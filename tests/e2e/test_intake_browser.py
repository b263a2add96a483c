"""Journey (b) of issue 12 in a real headless Chromium: an operator registers a person who has
only a phone, posts their need, and accepts a match for them."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope, ManagedAccount, ProxyAction
from matching import lifecycle
from matching.models import Match
from needs.models import Need
from tests.e2e.conftest import log_in
from tests.factories import (
    MatchFactory,
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    UserFactory,
)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_operator_registers_phone_only_person_posts_need_and_accepts_match(page, live_server):
    base = live_server.url
    operator = UserFactory(
        email="operator@example.org",
        display_name="Eva Operator",
        roles=["organisation_staff"],
        preferred_language="en",
    )
    MembershipFactory(
        user=operator, organisation=OrganisationFactory(name="Hotline NGO", verified=True)
    )
    coordinator = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, platform=True)

    # The operator registers the caller, who has a phone and no email.
    log_in(page, base, operator.email)
    page.goto(f"{base}/en/my/organisations/")
    page.get_by_role("link", name="People registered by phone or in person").click()
    page.get_by_role("link", name="Register a person").click()
    page.get_by_label("For organisation").select_option(label="Hotline NGO")
    page.get_by_label("Name or alias").fill("Olena")
    page.get_by_role("textbox", name="Phone").fill("+420 777 900 100")
    page.get_by_label("Languages the person speaks").select_option(["uk", "ru"])
    page.get_by_label("Language of messages").select_option("uk")
    page.get_by_label("By phone").check()
    page.get_by_label("The person agreed to be registered").check()
    page.get_by_role("button", name="Register").click()
    page.wait_for_selector("text=The person is registered.")
    person = ManagedAccount.objects.get().user
    assert person.contact_email == "" and str(person.phone) == "+420777900100"

    # ... and posts her need.
    page.get_by_role("link", name="Post a need for this person").click()
    page.wait_for_selector("text=On behalf of Olena")
    page.get_by_label("Category").select_option(label="— Clothes and shoes")
    page.get_by_label("Title").fill("Winter coat for a girl of six")
    page.get_by_role("textbox", name="Place").fill("Praha")
    page.get_by_label("Languages").select_option(["uk"])
    page.get_by_role("button", name="Save").click()
    page.wait_for_selector("text=The need is posted for the person.")
    assert "Registered by Hotline NGO" in page.content()
    need = Need.objects.get(title="Winter coat for a girl of six")
    assert need.owner == person

    # A coordinator approves a match for it (the queue has its own browser test).
    match = MatchFactory(offer=OfferFactory(title="Children's winter coats"), need=need)
    lifecycle.match_approve(match, actor=coordinator)

    # The operator opens the match from the person's page and accepts it for her.
    page.goto(f"{base}/en/intake/{person.pk}/")
    page.get_by_role("link", name="Children's winter coats → Winter coat for a girl of six").click()
    page.get_by_role("button", name="Accept").click()
    page.wait_for_selector("text=Eva Operator accepted a match on behalf of Olena")
    match.refresh_from_db()
    assert match.need_response == "accepted"
    assert Match.objects.get(pk=match.pk).need_response == "accepted"
    assert ProxyAction.objects.filter(action="match_accepted", person=person).exists()
