"""Every cell of the permission matrix (accounts/permissions.py), played through the real web
pages and API by each role, in a fresh world per cell.

Each check performs the action the way a person would and reports whether it took effect
(a page or answer shown, a row changed). Where both the web and the API can do something, both
are tried and must agree. A refusal must leave the data as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from accounts.models import CoordinatorScope, Membership, User
from accounts.permissions import MATRIX, ROLES, Cell
from matching.models import Match, MatchStatus, Response
from moderation.models import Report, ReportStatus
from notifications.models import Notification
from posts.models import Post, PostStatus
from tests import factories

pytestmark = pytest.mark.django_db

REGION_X = "Jihomoravský kraj"
REGION_Y = "Hlavní město Praha"


@dataclass
class World:
    users: dict[str, User | None]
    posts: dict[str, Post] = field(default_factory=dict)
    matches: dict[str, Match] = field(default_factory=dict)
    report: Report | None = None
    notification: Notification | None = None
    membership: Membership | None = None


def _user(roles: list[str], **extra) -> User:
    return factories.UserFactory(roles=roles, **extra)


def _person(role: str, o, p) -> User | None:
    """A user in ``role`` with what the role means: memberships, scopes, permissions."""
    if role == "anonymous":
        return None
    if role == "admin_staff":
        user = _user([], is_staff=True)
        # The worst case of admin staff: every model permission the admin knows.
        user.user_permissions.set(Permission.objects.all())
        return user
    if role == "superuser":
        return _user([], is_staff=True, is_superuser=True)
    if role.startswith("staff_"):
        user = _user(["organisation_staff"])
        if role == "staff_pending":
            Membership.objects.create(user=user, organisation=o, status=Membership.Status.REQUESTED)
        else:
            factories.MembershipFactory(
                user=user, organisation=o if role == "staff_approved" else p
            )
        return user
    if (
        role == "coordinator_unscoped"
        or role not in ROLES
        or not (role.startswith("coordinator") or role == "platform")
    ):
        return _user([role if role in ("volunteer", "in_need") else "coordinator"])
    user = _user(["coordinator"])
    scope = {
        "coordinator_region": {"region": REGION_X},
        "coordinator_category": {"category": factories.category("legal")},
        "coordinator_organisation": {"organisation": o},
        "platform": {"platform": True},
    }[role]
    CoordinatorScope.objects.create(user=user, **scope)
    return user


def build_world(role: str, cell: Cell) -> World:
    """The acting user, and of the rest of the world only what the cell's object needs: the
    people whose roles the object names (the volunteer, the person in need, the pending staff
    member) are the actor when the actor has that role."""
    o = factories.OrganisationFactory(name="O", verified=True)
    p = factories.OrganisationFactory(name="P", verified=True)
    actor = _person(role, o, p)
    world = World(users={role: actor})

    def person(name: str) -> User:
        if name == role:
            return actor
        if name not in world.users:
            world.users[name] = _person(name, o, p)
        return world.users[name]

    def caseworker() -> User:
        # O's own staff member, who posts O's needs.
        if "caseworker" not in world.users:
            world.users["caseworker"] = _person("staff_approved", o, p)
        return world.users["caseworker"]

    stranger = _user(["volunteer"])
    obj = cell.object
    if obj == "own_post" and actor is not None:
        world.posts["own_post"] = factories.NeedFactory(owner=actor, region=REGION_Y)
    elif obj in ("other_post", "report"):
        world.posts["other_post"] = factories.OfferFactory(owner=stranger, region=REGION_X)
    elif obj == "sensitive_x":
        world.posts[obj] = factories.NeedFactory(
            owner=_user(["in_need"]), category=factories.category("psychological"), region=REGION_X
        )
    elif obj == "sensitive_o":
        world.posts[obj] = factories.NeedFactory(
            owner=caseworker(),
            organisation=o,
            category=factories.category("legal-advice"),
            region=REGION_Y,
        )
    elif obj in ("match", "match_o"):
        status = {
            "approve": MatchStatus.PROPOSED,
            "see_contacts": MatchStatus.CONNECTED,
        }.get(cell.action, MatchStatus.APPROVED)
        answered = Response.ACCEPTED if status == MatchStatus.CONNECTED else Response.PENDING
        if obj == "match":
            offer = factories.OfferFactory(owner=person("volunteer"), region=REGION_X)
            need = factories.NeedFactory(owner=person("in_need"), region=REGION_X)
        else:
            person("staff_approved")  # a staff member of O, who answers for O's need
            offer = factories.OfferFactory(owner=stranger, region=REGION_Y)
            need = factories.NeedFactory(owner=caseworker(), organisation=o, region=REGION_Y)
        world.matches[obj] = _match(
            offer=offer,
            need=need,
            status=status,
            answered=answered,
            decided=status != MatchStatus.PROPOSED,
        )
    if obj == "report":
        world.report = Report.objects.create(
            reporter=_user(["in_need"]), offer=world.posts["other_post"], reason="spam"
        )
    elif obj == "notification":
        world.notification = Notification.objects.create(
            recipient=person("volunteer"),
            kind="test",
            dedupe_key="matrix",
            language="en",
            subject="Your private notification",
            body_text="Only for the volunteer.",
        )
    elif obj == "membership":
        pending = person("staff_pending")
        world.membership = Membership.objects.get(user=pending, organisation=o)
    return world


def _match(*, offer, need, status, answered, decided) -> Match:
    from django.utils import timezone

    return factories.MatchFactory(
        offer=offer,
        need=need,
        status=status,
        offer_response=answered,
        need_response=answered,
        decided_at=timezone.now() if decided else None,
    )


# The checks: each returns whether the action took effect for this client.


def _kind(post: Post) -> str:
    return post._meta.model_name


def _denied(response) -> bool:
    return response.status_code in (302, 401, 403, 404)


def _agree(web: bool, api: bool, what: str) -> bool:
    assert web == api, f"web and API disagree on {what}: web={web}, api={api}"
    return web


def check_view(client: Client, world: World, obj: str) -> bool:
    if obj in world.posts:
        post = world.posts[obj]
        kind = _kind(post)
        web = client.get(f"/en/{kind}s/{post.pk}/")
        api = client.get(f"/api/v1/{kind}s/{post.pk}/")
        return _agree(web.status_code == 200, api.status_code == 200, "view")
    if obj in world.matches:
        return client.get(f"/en/matches/{world.matches[obj].pk}/").status_code == 200
    if obj == "report":
        html = client.get("/en/coordination/moderation/").content.decode()
        return f'class="reported" data-kind="offer" data-pk="{world.report.offer_id}"' in html
    if obj == "notification":
        response = client.get("/en/notifications/")
        return response.status_code == 200 and world.notification.subject in response.text
    if obj == "membership":
        response = client.get("/en/coordination/memberships/")
        return response.status_code == 200 and f'data-pk="{world.membership.pk}"' in response.text
    raise AssertionError(obj)


def check_view_exact(client: Client, world: World, obj: str) -> bool:
    post = world.posts[obj]
    response = client.get(f"/api/v1/{_kind(post)}s/{post.pk}/")
    return response.status_code == 200 and response.json()["location_exact"] is True


def check_edit(client: Client, world: World, obj: str) -> bool:
    post = world.posts[obj]
    kind = _kind(post)
    web = client.get(f"/en/{kind}s/{post.pk}/edit/")
    api = client.patch(
        f"/api/v1/{kind}s/{post.pk}/",
        {"title": "Changed by someone"},
        content_type="application/json",
    )
    changed = type(post).objects.get(pk=post.pk).title == "Changed by someone"
    assert changed == (api.status_code == 200)
    if not changed:
        assert _denied(api) or api.status_code == 405
    return _agree(web.status_code == 200, changed, "edit")


def check_change_status(client: Client, world: World, obj: str) -> bool:
    post = world.posts[obj]
    model, kind = type(post), _kind(post)
    client.post(f"/en/{kind}s/{post.pk}/pause/")
    web = model.objects.get(pk=post.pk).status == PostStatus.PAUSED
    model.objects.filter(pk=post.pk).update(status=PostStatus.ACTIVE)
    client.post(
        f"/api/v1/{kind}s/{post.pk}/status/", {"status": "paused"}, content_type="application/json"
    )
    api = model.objects.get(pk=post.pk).status == PostStatus.PAUSED
    return _agree(web, api, "change status")


def _moderate(client: Client, post: Post, action: str):
    return client.post(
        f"/en/coordination/moderation/{_kind(post)}/{post.pk}/{action}/", {"reason": "Checked"}
    )


def check_hide(client: Client, world: World, obj: str) -> bool:
    post = world.posts[obj]
    _moderate(client, post, "hide")
    return type(post).objects.get(pk=post.pk).hidden_at is not None


def check_block(client: Client, world: World, obj: str) -> bool:
    post = world.posts[obj]
    _moderate(client, post, "block")
    return not User.objects.get(pk=post.owner_id).is_active


def check_export(client: Client, world: World, obj: str) -> bool:
    post = world.posts[obj]
    kind = _kind(post)
    geojson = client.get(f"/api/v1/{kind}s/geojson/?page_size=100").json()
    listed = client.get(f"/api/v1/{kind}s/?page_size=100").json()
    in_geojson = post.pk in {feature["id"] for feature in geojson["features"]}
    in_list = post.pk in {row["id"] for row in listed["results"]}
    return _agree(in_geojson, in_list, "bulk download")


def check_approve(client: Client, world: World, obj: str) -> bool:
    if obj == "membership":
        client.post(f"/en/coordination/memberships/{world.membership.pk}/approve/")
        world.membership.refresh_from_db()
        return world.membership.status == Membership.Status.APPROVED
    match = world.matches[obj]
    client.post(f"/en/coordinate/{match.pk}/approve/")
    return Match.objects.get(pk=match.pk).status == MatchStatus.APPROVED


def check_answer(client: Client, world: World, obj: str) -> bool:
    match = world.matches[obj]
    client.post(f"/en/matches/{match.pk}/respond/", {"answer": "accept"})
    match = Match.objects.get(pk=match.pk)
    return Response.ACCEPTED in (match.offer_response, match.need_response)


def check_see_contacts(client: Client, world: World, obj: str, actor: User | None) -> bool:
    match = world.matches[obj]
    html = client.get(f"/en/matches/{match.pk}/").content.decode()
    phones = {str(match.offer.owner.phone), str(match.need.owner.phone)} - {
        actor and str(actor.phone)
    }
    return any(phone in html for phone in phones)


def check_dismiss(client: Client, world: World, obj: str) -> bool:
    _moderate(client, world.report.offer, "dismiss")
    return Report.objects.get(pk=world.report.pk).status == ReportStatus.DISMISSED


def check_mark_read(client: Client, world: World, obj: str) -> bool:
    client.post(f"/en/notifications/{world.notification.pk}/read/")
    return Notification.objects.get(pk=world.notification.pk).read_at is not None


CHECKS = {
    "view": check_view,
    "view_exact": check_view_exact,
    "edit": check_edit,
    "change_status": check_change_status,
    "hide": check_hide,
    "block": check_block,
    "export": check_export,
    "approve": check_approve,
    "answer": check_answer,
    "dismiss": check_dismiss,
    "mark_read": check_mark_read,
}


def _cases():
    for cell in MATRIX:
        for role in ROLES:
            yield pytest.param(cell, role, id=f"{cell.object}-{cell.action}-{role}")


@pytest.mark.parametrize(("cell", "role"), list(_cases()))
def test_permission_matrix(cell: Cell, role: str, settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"
    world = build_world(role, cell)
    client = Client()
    actor = world.users[role]
    if actor is not None:
        client.force_login(actor)
    if cell.object not in world.posts and cell.object == "own_post":
        done = False  # an anonymous visitor owns nothing
    elif cell.action == "see_contacts":
        done = check_see_contacts(client, world, cell.object, actor)
    else:
        done = CHECKS[cell.action](client, world, cell.object)
    expected = role in cell.allowed
    assert done == expected, (
        f"{ROLES[role]} {'could not' if expected else 'could'} {cell.action} {cell.object}"
    )


def test_every_action_has_a_check():
    assert {cell.action for cell in MATRIX} <= set(CHECKS) | {"see_contacts"}
