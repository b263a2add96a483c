"""The rows of an export: offers, needs or matches within a reach (a coordinator's scope or
one organisation's own), filtered like the lists. Contacts appear only in matches whose sides
are connected; the reach already limits matches to those in scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet

from accounts.scopes import Scope
from matching.models import Match
from matching.selectors import CONTACT_STATUSES
from needs.models import Need
from offers.models import Offer
from posts.models import Post
from rights.selectors import contact_values


@dataclass(frozen=True)
class ExportFilters:
    status: str = ""
    category_id: int | None = None
    region: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_log(self) -> dict[str, object]:
        """The filter as the export log keeps it (JSON)."""
        return {
            name: value.isoformat() if isinstance(value, dt.date) else value
            for name, value in asdict(self).items()
            if value not in ("", None)
        }


@dataclass(frozen=True)
class Reach:
    """Whose rows: a coordinator's scope, or one organisation's own posts and matches."""

    scope: Scope | None = None
    organisation_id: int | None = None

    def post_q(self) -> Q | None:
        if self.organisation_id is not None:
            return Q(organisation_id=self.organisation_id)
        return self.scope.post_q()

    def match_q(self) -> Q | None:
        if self.organisation_id is not None:
            return Q(offer__organisation_id=self.organisation_id) | Q(
                need__organisation_id=self.organisation_id
            )
        return self.scope.post_q("need__")


def _filter(queryset: QuerySet, filters: ExportFilters, *, prefix: str, date_field: str):
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category_id:
        queryset = queryset.filter(
            Q(**{f"{prefix}category_id": filters.category_id})
            | Q(**{f"{prefix}category__parent_id": filters.category_id})
        )
    if filters.region:
        queryset = queryset.filter(**{f"{prefix}region": filters.region})
    if filters.date_from:
        queryset = queryset.filter(**{f"{date_field}__date__gte": filters.date_from})
    if filters.date_to:
        queryset = queryset.filter(**{f"{date_field}__date__lte": filters.date_to})
    return queryset


def export_posts(model: type[Post], *, reach: Reach, filters: ExportFilters) -> QuerySet[Post]:
    posts = model.objects.all()
    q = reach.post_q()
    if q is not None:
        posts = posts.filter(q)
    posts = _filter(posts, filters, prefix="", date_field="created_at")
    return posts.select_related("category", "category__parent", "organisation").order_by("pk")


def export_matches(*, reach: Reach, filters: ExportFilters) -> QuerySet[Match]:
    matches = Match.objects.all()
    q = reach.match_q()
    if q is not None:
        matches = matches.filter(q)
    matches = _filter(matches, filters, prefix="need__", date_field="proposed_at")
    return matches.select_related(
        "offer", "offer__owner", "need", "need__owner", "need__category", "need__category__parent"
    ).order_by("pk")


_POST_COLUMNS = [
    "id",
    "title",
    "category",
    "general_category",
    "status",
    "hidden",
    "region",
    "place",
    "organisation",
    "created",
    "valid_from",
    "valid_until",
    "remote",
]
OFFER_COLUMNS = [*_POST_COLUMNS, "capacity"]
NEED_COLUMNS = [*_POST_COLUMNS, "people_count", "urgency"]
CONTACT_COLUMNS = [
    "offer_contact_name",
    "offer_contact_email",
    "offer_contact_phone",
    "need_contact_name",
    "need_contact_email",
    "need_contact_phone",
]
MATCH_COLUMNS = [
    "id",
    "status",
    "offer_id",
    "offer_title",
    "need_id",
    "need_title",
    "category",
    "region",
    "score",
    "units",
    "proposed",
    "decided",
    "connected",
    "closed",
    "outcome",
    *CONTACT_COLUMNS,
]


def _post_row(post: Post) -> list[object]:
    root = post.category.parent or post.category
    return [
        post.pk,
        post.title,
        post.category.slug,
        root.slug,
        post.status,
        post.hidden_at is not None,
        post.region,
        post.place_name,
        post.organisation.name if post.organisation_id else "",
        post.created_at,
        post.valid_from,
        post.valid_until,
        post.remote,
    ]


def offer_rows(offers: QuerySet[Offer]) -> Iterator[list[object]]:
    for offer in offers.iterator(chunk_size=2000):
        yield [*_post_row(offer), offer.capacity]


def need_rows(needs: QuerySet[Need]) -> Iterator[list[object]]:
    for need in needs.iterator(chunk_size=2000):
        yield [*_post_row(need), need.people_count, need.urgency]


def match_contacts_shown(match: Match) -> bool:
    return match.status in CONTACT_STATUSES


def match_row(match: Match) -> list[object]:
    contacts: list[object] = [""] * len(CONTACT_COLUMNS)
    if match_contacts_shown(match):
        contacts = []
        for person in (match.offer.owner, match.need.owner):
            values = contact_values(person)
            contacts += [values.get("name", ""), values.get("email", ""), values.get("phone", "")]
    root = match.need.category.parent or match.need.category
    return [
        match.pk,
        match.status,
        match.offer_id,
        match.offer.title,
        match.need_id,
        match.need.title,
        root.slug,
        match.need.region,
        round(match.score, 4),
        match.units,
        match.proposed_at,
        match.decided_at,
        match.connected_at,
        match.closed_at,
        match.outcome,
        *contacts,
    ]
