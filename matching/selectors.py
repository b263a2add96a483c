"""Reads of the matching app: who may coordinate which proposals, queues, a person's matches."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from geopy.distance import geodesic

from accounts.models import Membership, User
from accounts.scopes import coordinator_scope, user_can_coordinate
from accounts.selectors import operator_can_act_for
from matching.feasibility import NeedFacts, OfferFacts, PairFacts
from matching.models import (
    HOLDING_STATUSES,
    TAKEN_STATUSES,
    Match,
    MatchStatus,
    RequestedBy,
    repoolable_q,
)
from offers.selectors import host_verification_required
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
    # "requested": pairs a person asked for; "matcher": the matcher's proposals; "": both.
    origin: str = ""


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
    if filters.origin == "requested":
        matches = matches.exclude(requested_by=RequestedBy.MATCHER)
    elif filters.origin == "matcher":
        matches = matches.filter(requested_by=RequestedBy.MATCHER)
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
    """Which sides of the match the user answers for: the post's owner, staff (approved
    members) of the post's organisation, or an operator acting for an owner they registered."""
    if not user.is_authenticated:
        return set()
    sides = post_sides(
        match=match, user_id=user.pk, organisation_ids=user_organisation_ids(user=user)
    )
    for side, post in (("offer", match.offer), ("need", match.need)):
        if side not in sides and operator_can_act_for(user=user, person=post.owner):
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


def match_requests_waiting(*, user: User) -> QuerySet[Match]:
    """The responses the user sent that no coordinator has decided yet (issue 12): shown on
    "My matches" so a person knows their request is waiting, without the match page, which a
    side sees only once approved."""
    return (
        Match.objects.filter(requester=user, status=MatchStatus.PROPOSED)
        .select_related("offer", "need")
        .order_by("-proposed_at", "-pk")
    )


def match_public_distance_km(match: Match) -> int:
    """The distance the two sides are told before they are put in touch: whole kilometres
    between the posts' public points. The score's distance is between exact points; shown to a
    side, a series of matches could place the other side's home within a ring."""
    offer, need = public_point(match.offer, exact=False), public_point(match.need, exact=False)
    return round(geodesic((offer.y, offer.x), (need.y, need.x)).km)


def _post_facts(post, **extra) -> dict:
    category = post.category
    return {
        "id": post.pk,
        "status": post.status,
        "hidden": post.hidden_at is not None,
        "valid_from": post.valid_from,
        "valid_until": post.valid_until,
        "category_id": post.category_id,
        "parent_category_id": category.parent_id,
        "root_slug": post.root_category.slug,
        "radius_km": float(post.radius_km),
        "remote": post.remote,
        "languages": frozenset(post.languages),
        "details": dict(post.details or {}),
        "people": frozenset(_side_people(post)),
        **extra,
    }


def pair_facts(*, offer, need) -> PairFacts:
    """What ``matching.feasibility.pair_refusals`` needs to judge this pair, read now: the
    distance in the matcher's metric (EPSG:3035, as the candidates measure it), the offer's
    free units (capacity less its open and held matches, this pair's own left out), the
    pair's earlier match and, for material aid, what the need's held matches cover."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT o.location_3035 <-> n.location_3035 FROM offers_offer o, needs_need n "
            "WHERE o.id = %s AND n.id = %s",
            [offer.pk, need.pk],
        )
        distance_m = cursor.fetchone()[0]
    earlier = Match.objects.filter(offer_id=offer.pk, need_id=need.pk).first()
    others = Match.objects.exclude(offer_id=offer.pk, need_id=need.pk)
    offer_held = (
        others.filter(offer_id=offer.pk, status__in=HOLDING_STATUSES).aggregate(u=Sum("units"))["u"]
        or 0
    )
    need_held = (
        others.filter(need_id=need.pk, status__in=TAKEN_STATUSES).aggregate(u=Sum("units"))["u"]
        or 0
    )
    return PairFacts(
        offer=OfferFacts(
            **_post_facts(
                offer,
                host_vetting_required=host_verification_required(offer),
                host_verified=offer.host_verified_at is not None,
                free_units=offer.capacity - offer_held,
            )
        ),
        need=NeedFacts(**_post_facts(need, people_count=need.people_count)),
        distance_km=float(distance_m) / 1000.0,
        earlier_status=earlier.status if earlier else None,
        earlier_repoolable=bool(
            earlier and Match.objects.filter(repoolable_q(), pk=earlier.pk).exists()
        ),
        need_units_held=need_held,
    )


def respond_own_posts(model, *, user: User) -> QuerySet:
    """The user's open posts of ``model`` they may respond with: their own and those of the
    organisations they are approved staff of, active, valid today and not hidden."""
    today = timezone.localdate()
    organisations = Membership.objects.filter(user=user, status=Membership.Status.APPROVED).values(
        "organisation_id"
    )
    return (
        model.objects.filter(Q(owner=user) | Q(organisation_id__in=organisations))
        .filter(status="active", hidden_at__isnull=True, valid_from__lte=today)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("category__parent")
        .order_by("-created_at", "-pk")
    )


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
