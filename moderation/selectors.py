"""Reads for coordinators: the moderation queue and the dashboard figures.

Every function here runs a fixed number of queries whatever the data (pinned in the tests).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.models import Membership
from accounts.scopes import Scope
from matching.models import FollowUpAnswer, Match, MatchFollowUp, MatchStatus, Side
from moderation.models import Concern, PostModeration, Report, ReportStatus
from needs.models import Need
from offers.models import Offer
from posts.models import Category, Post, PostStatus

# How many posts of each kind the queue shows at once: the oldest first, so nothing starves.
QUEUE_LIMIT = 100


@dataclass
class ReportedPost:
    """One post with its open reports, as the queue shows it."""

    kind: str  # "offer" or "need"
    post: Post
    reports: list[Report] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return sorted({report.get_reason_display() for report in self.reports})


def _within(queryset: QuerySet, scope: Scope, prefix: str = "") -> QuerySet:
    q = scope.post_q(prefix)
    return queryset if q is None else queryset.filter(q)


def reported_posts(*, scope: Scope, limit: int = QUEUE_LIMIT) -> list[ReportedPost]:
    """Posts in the scope with open reports, the longest-waiting first. One query."""
    reports = Report.objects.filter(status=ReportStatus.OPEN)
    if not scope.everything:
        reports = reports.filter(
            (Q(offer__isnull=False) & scope.post_q("offer__"))
            | (Q(need__isnull=False) & scope.post_q("need__"))
        )
    reports = reports.select_related(
        "reporter",
        "offer",
        "offer__owner",
        "offer__category",
        "need",
        "need__owner",
        "need__category",
    ).order_by("created_at", "pk")
    grouped: dict[tuple[str, int], ReportedPost] = {}
    for report in reports:
        kind = "offer" if report.offer_id else "need"
        key = (kind, report.offer_id or report.need_id)
        if key not in grouped:
            if len(grouped) >= limit:
                continue
            grouped[key] = ReportedPost(kind=kind, post=report.post)
        grouped[key].reports.append(report)
    return list(grouped.values())


def _owner_is_verified() -> Q:
    """The owner confirmed their email address or belongs to a verified organisation."""
    email_verified = EmailAddress.objects.filter(user_id=OuterRef("owner_id"), verified=True)
    verified_member = Membership.objects.filter(
        user_id=OuterRef("owner_id"),
        status=Membership.Status.APPROVED,
        organisation__verified=True,
    )
    return Q(Exists(email_verified)) | Q(Exists(verified_member))


def unreviewed_posts(
    model: type[Post], *, scope: Scope, limit: int = QUEUE_LIMIT
) -> QuerySet[Post]:
    """Posts in the scope by unverified people that no coordinator has reviewed yet, oldest
    first. Drafts, hidden and closed posts are not public, so they wait for nothing."""
    return (
        _within(model.objects, scope)
        .filter(
            reviewed_at__isnull=True,
            hidden_at__isnull=True,
            status__in=[PostStatus.ACTIVE, PostStatus.PAUSED],
        )
        .exclude(_owner_is_verified())
        .select_related("owner", "category")
        .order_by("created_at", "pk")[:limit]
    )


# The dashboard.


@dataclass(frozen=True)
class CountRow:
    label: str
    offers: int
    needs: int


@dataclass(frozen=True)
class OutcomeRow:
    """One answer to "How did it go?" and how often each side gave it."""

    answer: str
    label: str
    offer_side: int
    need_side: int


@dataclass(frozen=True)
class Outcomes:
    """How connections ended (matching/follow_up.py and the match page's outcome form)."""

    connected: int  # still open
    completed: int
    failed: int
    answers: list[OutcomeRow]
    # Questions sent that nobody answered yet.
    unanswered: int


@dataclass(frozen=True)
class Dashboard:
    by_category: list[CountRow]
    by_region: list[CountRow]
    proposals_waiting: int
    # Median time from a need's creation to its first match that moved on from "proposed"
    # (approved or further), over needs that have one; None when none has.
    median_need_to_match: dt.timedelta | None
    needs_matched: int
    outcomes: Outcomes

    @property
    def open_offers(self) -> int:
        return sum(row.offers for row in self.by_category)

    @property
    def open_needs(self) -> int:
        return sum(row.needs for row in self.by_category)


def _open(model: type[Post], scope: Scope) -> QuerySet[Post]:
    return _within(model.objects.filter(status=PostStatus.ACTIVE, hidden_at__isnull=True), scope)


def _counts(model: type[Post], key, scope: Scope) -> dict[object, int]:
    rows = _open(model, scope).annotate(key=key).values("key").annotate(total=Count("pk"))
    return {row["key"]: row["total"] for row in rows.order_by()}


_MEDIAN_SQL = f"""
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM f.first_at - n.created_at)),
       count(*)
FROM (SELECT m.need_id, min(m.connected_at) AS first_at
      FROM {Match._meta.db_table} m
      WHERE m.connected_at IS NOT NULL
      GROUP BY m.need_id) f
JOIN {Need._meta.db_table} n ON n.id = f.need_id
"""


def median_need_to_match(*, scope: Scope) -> tuple[dt.timedelta | None, int]:
    """Median over the needs in scope of (first connection: both sides accepted) − (need
    created); and how many needs were ever connected. One query."""
    sql, params = _MEDIAN_SQL, ()
    if not scope.everything:
        needs, params = _within(Need.objects, scope).values("pk").query.sql_with_params()
        sql = f"{sql} WHERE n.id IN ({needs})"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        seconds, needs = cursor.fetchone()
    if seconds is None:
        return None, 0
    return dt.timedelta(seconds=round(seconds)), needs


def outcomes(*, scope: Scope) -> Outcomes:
    """Connections still open, completed and failed, and the answers of each side to "How did
    it go?", for matches whose need the scope covers. Two queries."""
    statuses = _within(Match.objects, scope, "need__").aggregate(
        connected=Count("pk", filter=Q(status=MatchStatus.CONNECTED)),
        completed=Count("pk", filter=Q(status=MatchStatus.COMPLETED)),
        failed=Count("pk", filter=Q(status=MatchStatus.FAILED)),
    )
    rows = (
        _within(MatchFollowUp.objects, scope, "match__need__")
        .values("answer", "side")
        .annotate(total=Count("pk"))
        .order_by()
    )
    counts = {(row["answer"], row["side"]): row["total"] for row in rows}
    return Outcomes(
        **statuses,
        answers=[
            OutcomeRow(
                answer=answer,
                label=str(label),
                offer_side=counts.get((answer, Side.OFFER), 0),
                need_side=counts.get((answer, Side.NEED), 0),
            )
            for answer, label in FollowUpAnswer.choices
        ],
        unanswered=sum(total for (answer, _side), total in counts.items() if not answer),
    )


def dashboard(*, scope: Scope) -> Dashboard:
    """Open (active, not hidden) offers and needs in the scope by general category and by
    region, proposals waiting, the median time from need to match and how connections ended.
    Nine queries."""
    root = Coalesce("category__parent_id", "category_id")
    offers_by_category = _counts(Offer, root, scope)
    needs_by_category = _counts(Need, root, scope)
    roots = Category.objects.filter(parent__isnull=True).order_by("position", "slug")
    by_category = [
        CountRow(
            label=category.name,
            offers=offers_by_category.get(category.pk, 0),
            needs=needs_by_category.get(category.pk, 0),
        )
        for category in roots
    ]
    offers_by_region = _counts(Offer, F("region"), scope)
    needs_by_region = _counts(Need, F("region"), scope)
    regions = sorted(set(offers_by_region) | set(needs_by_region), key=lambda r: (not r, r))
    by_region = [
        CountRow(
            label=region or "",
            offers=offers_by_region.get(region, 0),
            needs=needs_by_region.get(region, 0),
        )
        for region in regions
    ]
    median, needs_matched = median_need_to_match(scope=scope)
    return Dashboard(
        by_category=by_category,
        by_region=by_region,
        proposals_waiting=_within(
            Match.objects.filter(status=MatchStatus.PROPOSED), scope, "need__"
        ).count(),
        median_need_to_match=median,
        needs_matched=needs_matched,
        outcomes=outcomes(scope=scope),
    )


def open_concerns(*, scope: Scope, limit: int = QUEUE_LIMIT) -> list[Concern]:
    """Unanswered concerns about matches whose need the scope covers, the most overdue first."""
    concerns = Concern.objects.filter(answered_at__isnull=True)
    q = scope.post_q("match__need__")
    if q is not None:
        concerns = concerns.filter(q)
    return list(
        concerns.select_related("match", "match__offer", "match__need", "raised_by").order_by(
            "due_at", "pk"
        )[:limit]
    )


# Post moderation, like the match queue: every post in the scope, paged, with filters.


@dataclass(frozen=True)
class PostModerationFilters:
    # "hidden", "visible" or "" for both.
    state: str = ""
    category_id: int | None = None
    region: str = ""
    text: str = ""


def posts_to_moderate(
    model: type[Post], *, scope: Scope, filters: PostModerationFilters | None = None
) -> QuerySet[Post]:
    """Posts of one kind in the scope, newest first, hidden ones with who hid them. Drafts and
    closed posts are included: a coordinator may need to hide an abusive one wherever it is."""
    filters = filters or PostModerationFilters()
    posts = _within(model.objects.all(), scope)
    if filters.state == "hidden":
        posts = posts.filter(hidden_at__isnull=False)
    elif filters.state == "visible":
        posts = posts.filter(hidden_at__isnull=True)
    if filters.category_id:
        posts = posts.filter(
            Q(category_id=filters.category_id) | Q(category__parent_id=filters.category_id)
        )
    if filters.region:
        posts = posts.filter(region=filters.region)
    if filters.text:
        posts = posts.filter(title__icontains=filters.text)
    return posts.select_related("owner", "category", "hidden_by").order_by("-created_at", "-pk")


def post_moderation_history(post: Post) -> QuerySet[PostModeration]:
    field = "offer" if isinstance(post, Offer) else "need"
    return (
        PostModeration.objects.filter(**{field: post})
        .select_related("actor")
        .order_by("created_at", "pk")
    )


def reports_in_scope(*, scope: Scope, status: str = ReportStatus.OPEN) -> QuerySet[Report]:
    """Reports of posts in the scope (open ones by default; "" for all), oldest first."""
    reports = Report.objects.all()
    if status:
        reports = reports.filter(status=status)
    if not scope.everything:
        reports = reports.filter(
            (Q(offer__isnull=False) & scope.post_q("offer__"))
            | (Q(need__isnull=False) & scope.post_q("need__"))
        )
    return reports.select_related("offer", "need").order_by("created_at", "pk")
