"""Reads of the matching app: who may coordinate which proposals, queues, a person's matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Role, User
from matching.models import CoordinatorScope, Match, MatchStatus

_RELATED = (
    "offer",
    "offer__category",
    "offer__owner",
    "need",
    "need__category",
    "need__owner",
)


@dataclass(frozen=True)
class QueueFilters:
    category_id: int | None = None
    region: str = ""
    min_urgency: int | None = None
    min_age_days: int | None = None


def coordinator_is_platform(*, user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return (
        Role.COORDINATOR in user.roles
        and CoordinatorScope.objects.filter(user=user, platform=True).exists()
    )


def _organisation_ids(user: User) -> set[int]:
    """Organisations whose needs the user coordinates: approved membership with the coordinator
    role, or an organisation scope."""
    ids = set(
        CoordinatorScope.objects.filter(user=user, organisation__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    if Role.COORDINATOR in user.roles:
        ids |= set(
            Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
                "organisation_id", flat=True
            )
        )
    return ids


def coordinator_scope_q(*, user: User) -> Q | None:
    """A filter on Match for what the user coordinates; None: everything; a filter that matches
    nothing when the user coordinates nothing."""
    if coordinator_is_platform(user=user):
        return None
    scope = Q(pk__in=[])
    organisations = _organisation_ids(user)
    if organisations:
        scope |= Q(need__organisation_id__in=organisations)
    for row in CoordinatorScope.objects.filter(user=user, organisation__isnull=True):
        if not row.region and row.category_id is None:
            continue
        part = Q()
        if row.region:
            part &= Q(need__region=row.region)
        if row.category_id is not None:
            part &= Q(need__category_id=row.category_id) | Q(
                need__category__parent_id=row.category_id
            )
        scope |= part
    return scope


def user_can_coordinate(*, user: User) -> bool:
    """Whether the user has a coordinator queue at all. It takes the coordinator role plus
    something to coordinate (a scope or an approved membership); volunteers have none, and
    answering costs them no query (this runs on every page, for the navigation)."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if Role.COORDINATOR not in user.roles:
        return False
    return (
        CoordinatorScope.objects.filter(user=user).exists()
        or Membership.objects.filter(user=user, status=Membership.Status.APPROVED).exists()
    )


def match_in_scope(*, user: User, match: Match) -> bool:
    if not user_can_coordinate(user=user):
        return False
    scope = coordinator_scope_q(user=user)
    if scope is None:
        return True
    return Match.objects.filter(scope, pk=match.pk).exists()


def need_in_scope(*, user: User, need_id: int) -> bool:
    """For matches made by hand: the coordinator must look after the need."""
    if not user_can_coordinate(user=user):
        return False
    scope = coordinator_scope_q(user=user)
    if scope is None:
        return True
    from needs.models import Need

    # The scope is written against Match (need__...); strip the prefix for a Need query.
    return Need.objects.filter(_strip_need_prefix(scope), pk=need_id).exists()


def _strip_need_prefix(q: Q) -> Q:
    clone = Q()
    clone.connector = q.connector
    clone.negated = q.negated
    for child in q.children:
        if isinstance(child, Q):
            clone.children.append(_strip_need_prefix(child))
        else:
            key, value = child
            clone.children.append((key.removeprefix("need__"), value))
    return clone


def match_queue_for(*, user: User, filters: QueueFilters | None = None) -> QuerySet[Match]:
    """Proposals the user may decide, most urgent and best scored first."""
    filters = filters or QueueFilters()
    if not user_can_coordinate(user=user):
        return Match.objects.none()
    # A post a coordinator hid is out of the queue at once, before the next pass withdraws it.
    matches = Match.objects.filter(
        status=MatchStatus.PROPOSED, offer__hidden_at__isnull=True, need__hidden_at__isnull=True
    ).select_related(*_RELATED)
    scope = coordinator_scope_q(user=user)
    if scope is not None:
        matches = matches.filter(scope)
    if filters.category_id:
        matches = matches.filter(
            Q(need__category_id=filters.category_id)
            | Q(need__category__parent_id=filters.category_id)
        )
    if filters.region:
        matches = matches.filter(need__region=filters.region)
    if filters.min_urgency:
        matches = matches.filter(need__urgency__gte=filters.min_urgency)
    if filters.min_age_days:
        cutoff = timezone.now() - dt.timedelta(days=filters.min_age_days)
        matches = matches.filter(proposed_at__lte=cutoff)
    return matches.order_by("-need__urgency", "-score", "proposed_at", "pk")


def user_post_sides(*, user: User, match: Match) -> set[str]:
    """Which sides of the match the user answers for: the post's owner or staff (approved
    members) of the post's organisation."""
    if not user.is_authenticated:
        return set()
    organisations = set(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
            "organisation_id", flat=True
        )
    )
    sides = set()
    for side, post in (("offer", match.offer), ("need", match.need)):
        if post.owner_id == user.pk or (
            post.organisation_id and post.organisation_id in organisations
        ):
            sides.add(side)
    return sides


def match_list_for_participant(*, user: User) -> QuerySet[Match]:
    """Matches a coordinator approved that concern the user's posts (proposals are not shown:
    nobody checked them yet)."""
    organisations = Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values(
        "organisation_id"
    )
    mine = (
        Q(offer__owner=user)
        | Q(need__owner=user)
        | Q(offer__organisation_id__in=organisations)
        | Q(need__organisation_id__in=organisations)
    )
    return (
        Match.objects.filter(mine, decided_at__isnull=False)
        .exclude(status=MatchStatus.REJECTED)
        .select_related(*_RELATED)
        .order_by("-status_changed_at", "-pk")
    )
