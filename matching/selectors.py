"""Reads of the matching app: who may coordinate which proposals, queues, a person's matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from geopy.distance import geodesic

from accounts.models import Membership, User
from accounts.scopes import coordinator_scope, user_can_coordinate
from matching.models import Match, MatchStatus
from posts.selectors import public_point

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


def coordinator_scope_q(*, user: User) -> Q | None:
    """A filter on Match for what the user coordinates (through the match's need); None:
    everything; a filter that matches nothing when the user coordinates nothing."""
    return coordinator_scope(user=user).post_q(prefix="need__")


def match_in_scope(*, user: User, match: Match) -> bool:
    return coordinator_scope(user=user).covers(match.need)


def need_in_scope(*, user: User, need) -> bool:
    """For matches made by hand: the coordinator must look after the need."""
    return coordinator_scope(user=user).covers(need)


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


def _side_people(post) -> set[int]:
    people = {post.owner_id}
    if post.organisation_id is not None:
        people |= set(
            Membership.objects.filter(
                organisation_id=post.organisation_id, status=Membership.Status.APPROVED
            ).values_list("user_id", flat=True)
        )
    return people


def pair_shares_a_person(*, offer, need) -> bool:
    """Whether someone would answer for both sides (the candidates' rule, for one pair)."""
    return bool(_side_people(offer) & _side_people(need))


def user_organisation_ids(*, user: User) -> frozenset[int]:
    """The organisations the user is approved staff of (read once for a whole list)."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values_list(
            "organisation_id", flat=True
        )
    )


def post_sides(*, match: Match, user_id: int, organisation_ids: frozenset[int]) -> set[str]:
    """Which sides of the match a user answers for, given their organisations (no query)."""
    sides = set()
    for side, post in (("offer", match.offer), ("need", match.need)):
        if post.owner_id == user_id or (
            post.organisation_id and post.organisation_id in organisation_ids
        ):
            sides.add(side)
    return sides


def user_post_sides(*, user: User, match: Match) -> set[str]:
    """Which sides of the match the user answers for: the post's owner or staff (approved
    members) of the post's organisation."""
    if not user.is_authenticated:
        return set()
    return post_sides(
        match=match, user_id=user.pk, organisation_ids=user_organisation_ids(user=user)
    )


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


def match_public_distance_km(match: Match) -> int:
    """The distance the two sides are told before they are put in touch: whole kilometres
    between the posts' public points. The score's distance is between exact points; shown to a
    side, a series of matches could place the other side's home within a ring."""
    offer, need = public_point(match.offer, exact=False), public_point(match.need, exact=False)
    return round(geodesic((offer.y, offer.x), (need.y, need.x)).km)


def match_viewer_sides(*, user: User, match: Match) -> set[str] | None:
    """What the user may see of the match: the sides they answer for (a party, once a
    coordinator approved it), an empty set (a coordinator in scope), or None (nothing: the
    match page and the API answer 404). One rule for the web page and the API."""
    sides = user_post_sides(user=user, match=match)
    if sides and match.decided_at is not None and match.status != MatchStatus.REJECTED:
        return sides
    if match_in_scope(user=user, match=match):
        return set()
    return None


CONTACT_STATUSES = (MatchStatus.CONNECTED, MatchStatus.COMPLETED, MatchStatus.FAILED)


def match_contact_people(*, match: Match, sides: set[str]) -> list[User]:
    """Whose contacts a party sees: the other side's owner, only once both accepted."""
    if match.status not in CONTACT_STATUSES or not sides:
        return []
    return [getattr(match, side).owner for side in sorted({"offer", "need"} - sides)]
