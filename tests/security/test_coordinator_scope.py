"""Attack 3: the coordinator role alone used to open every door. A coordinator with the role
but no scope, and one scoped to another region, try every coordinator power on a person's
sensitive need; each must behave as for an ordinary user and change nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import CoordinatorScope, Membership, User
from needs.models import Need
from tests import factories

pytestmark = pytest.mark.django_db

REGION_X = "Jihomoravský kraj"
REGION_Y = "Hlavní město Praha"


@pytest.fixture
def victim_need() -> Need:
    owner = factories.UserFactory(roles=["in_need"], phone="+380 50 111 2233")
    return factories.NeedFactory(
        owner=owner,
        category=factories.category("psychological"),
        region=REGION_X,
        title="Talking to someone after the flight",
    )


def _coordinator(**scope) -> User:
    user = factories.UserFactory(roles=["coordinator"])
    if scope:
        CoordinatorScope.objects.create(user=user, **scope)
    return user


@pytest.mark.parametrize(
    "scope", [{}, {"region": REGION_Y}], ids=["role-without-scope", "scoped-elsewhere"]
)
def test_coordinator_outside_the_scope_cannot_touch_a_sensitive_need(victim_need, scope):
    attacker = Client()
    attacker.force_login(_coordinator(**scope))
    need_url = f"/en/needs/{victim_need.pk}/"

    # Cannot find it: not on the page, the list, the map data, nor by its id.
    assert attacker.get(need_url).status_code == 404
    assert attacker.get(f"/api/v1/needs/{victim_need.pk}/").status_code == 404
    listed = attacker.get("/api/v1/needs/?page_size=100").json()["results"]
    assert victim_need.pk not in {row["id"] for row in listed}
    features = attacker.get("/api/v1/needs/geojson/").json()["features"]
    assert victim_need.pk not in {feature["id"] for feature in features}

    # Cannot edit, pause, hide it or block its owner.
    assert attacker.get(f"{need_url}edit/").status_code == 404
    patched = attacker.patch(
        f"/api/v1/needs/{victim_need.pk}/", {"title": "Mine now"}, content_type="application/json"
    )
    assert patched.status_code == 404
    assert attacker.post(f"{need_url}pause/").status_code == 404
    for action in ("hide", "block"):
        response = attacker.post(
            f"/en/coordination/moderation/need/{victim_need.pk}/{action}/", {"reason": "x"}
        )
        # 403 without any scope (whatever the id), 404 out of scope: neither tells it exists.
        assert response.status_code in (403, 404)

    victim_need.refresh_from_db()
    assert (victim_need.title, victim_need.status) == (
        "Talking to someone after the flight",
        "active",
    )
    assert victim_need.hidden_at is None
    assert User.objects.get(pk=victim_need.owner_id).is_active


def test_role_without_scope_gets_no_coordination_pages(victim_need):
    attacker = Client()
    attacker.force_login(_coordinator())
    for page in (
        "/en/coordinate/",
        "/en/coordination/moderation/",
        "/en/coordination/dashboard/",
        "/en/coordination/memberships/",
    ):
        assert attacker.get(page).status_code == 403, page


def test_scoped_dashboard_counts_only_the_scope(victim_need):
    factories.NeedFactory(region=REGION_Y, category=factories.category("clothes"))
    factories.NeedFactory(region=REGION_Y, category=factories.category("clothes"))
    coordinator = Client()
    coordinator.force_login(_coordinator(region=REGION_X))
    data = coordinator.get("/en/coordination/dashboard/").context["data"]
    needs_by_region = {row.label: row.needs for row in data.by_region}
    assert needs_by_region.get(REGION_X) == 1
    assert REGION_Y not in needs_by_region or needs_by_region[REGION_Y] == 0


def test_coordinator_cannot_approve_a_membership_of_an_organisation_not_theirs():
    organisation = factories.OrganisationFactory(verified=True)
    request = Membership.objects.create(
        user=factories.UserFactory(roles=["organisation_staff"]),
        organisation=organisation,
        status=Membership.Status.REQUESTED,
    )
    elsewhere = factories.OrganisationFactory(verified=True)
    attacker = Client()
    attacker.force_login(_coordinator(organisation=elsewhere))

    assert f'data-pk="{request.pk}"' not in attacker.get("/en/coordination/memberships/").text
    response = attacker.post(f"/en/coordination/memberships/{request.pk}/approve/")
    assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == Membership.Status.REQUESTED


def test_scoped_coordinator_does_look_after_their_region(victim_need):
    """The other half of the rule: within the scope the powers are there."""
    coordinator = Client()
    coordinator.force_login(_coordinator(region=REGION_X))
    detail = coordinator.get(f"/api/v1/needs/{victim_need.pk}/").json()
    assert detail["location_exact"] is True
    response = coordinator.post(
        f"/en/coordination/moderation/need/{victim_need.pk}/hide/", {"reason": "Duplicate"}
    )
    assert response.status_code == 302
    victim_need.refresh_from_db()
    assert victim_need.hidden_at is not None


def test_the_role_alone_does_not_shield_from_blocking():
    """A coordinator role without any scope grants nothing, not even protection."""
    spammer = _coordinator()
    spam = factories.OfferFactory(owner=spammer, region=REGION_X)
    moderator = Client()
    moderator.force_login(_coordinator(region=REGION_X))
    response = moderator.post(
        f"/en/coordination/moderation/offer/{spam.pk}/block/", {"reason": "Asks for money"}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=spammer.pk).is_active
