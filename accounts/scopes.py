"""What a coordinator looks after: the one rule behind every coordinator power.

The coordinator role alone grants nothing. A coordinator looks after the posts in their scope:
rows of ``CoordinatorScope`` (an organisation, a region, a category, a region and a category
together, or the whole platform) and the organisations they are an approved member of. Within
it they see sensitive posts and exact points, edit posts, hide and show them, decide matches
and memberships, and read the dashboard; outside it they are an ordinary user. Superusers look
after everything.

A match is in scope when its need is: coordinators look after people in need, and the need's
side is the one whose data is at stake.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from accounts.models import CoordinatorScope, Membership, Role, User


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    organisation_ids: frozenset[int] = frozenset()
    # (region, category id) rows; "" or None stands for "any", never both (such rows are skipped).
    areas: tuple[tuple[str, int | None], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.organisation_ids or self.areas)

    def post_q(self, prefix: str = "") -> Q | None:
        """A filter on posts (or, with ``prefix="need__"``, on matches) for what the scope
        covers; None for everything, a filter that matches nothing for an empty scope."""
        if self.everything:
            return None
        q = Q(pk__in=[])
        if self.organisation_ids:
            q |= Q(**{f"{prefix}organisation_id__in": sorted(self.organisation_ids)})
        for region, category_id in self.areas:
            part = Q()
            if region:
                part &= Q(**{f"{prefix}region": region})
            if category_id is not None:
                part &= Q(**{f"{prefix}category_id": category_id}) | Q(
                    **{f"{prefix}category__parent_id": category_id}
                )
            q |= part
        return q

    def covers(self, post) -> bool:
        """The same rule as ``post_q`` for one post already in memory (no query; the post's
        category must be loaded for a category scope)."""
        if self.everything:
            return True
        if post.organisation_id is not None and post.organisation_id in self.organisation_ids:
            return True
        for region, category_id in self.areas:
            if region and post.region != region:
                continue
            if category_id is not None and category_id not in (
                post.category_id,
                post.category.parent_id,
            ):
                continue
            return True
        return False

    def covers_organisation(self, organisation_id: int | None) -> bool:
        return self.everything or (
            organisation_id is not None and organisation_id in self.organisation_ids
        )


NOTHING = Scope()
EVERYTHING = Scope(everything=True)


def coordinator_scope(*, user: User | None) -> Scope:
    """The user's scope, read once per user object (a request asks many times)."""
    if user is None or not user.is_authenticated:
        return NOTHING
    cached = getattr(user, "_pomoc_scope", None)
    if cached is not None:
        return cached
    scope = _load(user)
    user._pomoc_scope = scope
    return scope


def forget_scope(user: User) -> None:
    """After the user's scopes or memberships changed within the same request or test."""
    user.__dict__.pop("_pomoc_scope", None)


def _load(user: User) -> Scope:
    if user.is_superuser:
        return EVERYTHING
    if Role.COORDINATOR not in user.roles:
        return NOTHING
    organisations: set[int] = set(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
            "organisation_id", flat=True
        )
    )
    areas: list[tuple[str, int | None]] = []
    for row in CoordinatorScope.objects.filter(user=user):
        if row.platform:
            return EVERYTHING
        if row.organisation_id is not None:
            organisations.add(row.organisation_id)
        elif row.region or row.category_id is not None:
            areas.append((row.region, row.category_id))
    return Scope(organisation_ids=frozenset(organisations), areas=tuple(areas))


def user_can_coordinate(*, user: User | None) -> bool:
    """Whether the user coordinates anything at all (the queue, moderation, dashboard)."""
    return not coordinator_scope(user=user).is_empty


def user_is_platform_coordinator(*, user: User | None) -> bool:
    return coordinator_scope(user=user).everything


def _coordinating_people() -> list[tuple[User, Scope]]:
    """Every active person who may coordinate, with their scope. Few people coordinate, so
    each one's scope is worked out in Python rather than turned into one query."""
    people = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(roles__contains=[Role.COORDINATOR])
    )
    return [(person, coordinator_scope(user=person)) for person in people.order_by("pk")]


def platform_coordinators() -> list[User]:
    return [person for person, scope in _coordinating_people() if scope.everything]


def coordinators_covering(post) -> tuple[list[User], list[User]]:
    """Who looks after ``post``: (the coordinators whose scope covers it, the platform
    coordinators), each active and each listed once."""
    in_scope, platform = [], []
    for person, scope in _coordinating_people():
        if scope.everything:
            platform.append(person)
        elif scope.covers(post):
            in_scope.append(person)
    return in_scope, platform
