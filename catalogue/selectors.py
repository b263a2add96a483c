"""Reads of the catalogue; the web list, the CSV export and the API share ``project_list``."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Membership, Organisation, User
from accounts.scopes import Scope
from catalogue.models import (
    SEARCH_CONFIG,
    Funder,
    Project,
    ProjectOrganisation,
    ProjectStatus,
    ReviewStatus,
    month_start,
)
from needs.models import Need
from needs.selectors import need_list_visible
from offers.models import Offer
from offers.selectors import offer_list_visible

SORTS = {
    "-start": ("-start_month", "title"),
    "start": ("start_month", "title"),
    "title": ("title", "-start_month"),
}
_WORD = re.compile(r"\w+")


def search_query(text: str) -> SearchQuery | None:
    """Every word must occur, as a word beginning ("uprchlik" finds "uprchlíků").

    Only ``\\w`` runs reach ``to_tsquery``, so user input can never be tsquery syntax.
    """
    words = _WORD.findall(text)[:10]
    if not words:
        return None
    raw = " & ".join(f"{word}:*" for word in words)
    return SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")


def status_filter(status: str, *, today: date) -> Q:
    this_month = month_start(today)
    if status == ProjectStatus.UPCOMING:
        return Q(start_month__gt=today)
    if status == ProjectStatus.FINISHED:
        return Q(end_month__lt=this_month)
    if status == ProjectStatus.RUNNING:
        return Q(start_month__lte=today, end_month__gte=this_month)
    return Q()


def project_list(
    *,
    query: str = "",
    funder: Funder | None = None,
    organisation: Organisation | None = None,
    topic: str = "",
    status: str = "",
    region: str = "",
    sort: str = "",
    today: date | None = None,
) -> QuerySet[Project]:
    """Approved projects matching every given filter, with funders and organisations
    prefetched (submissions waiting for review or rejected are never public).

    With a search and no explicit sort, the best matches (title weighs more) come first.
    """
    today = today or timezone.localdate()
    queryset = Project.objects.filter(review_status=ReviewStatus.APPROVED).prefetch_related(
        "funders",
        Prefetch(
            "organisation_links",
            queryset=ProjectOrganisation.objects.select_related("organisation"),
        ),
    )
    if funder is not None:
        queryset = queryset.filter(funders=funder)
    if organisation is not None:
        queryset = queryset.filter(organisation_links__organisation=organisation)
    if topic:
        queryset = queryset.filter(topics__contains=[topic])
    if status:
        queryset = queryset.filter(status_filter(status, today=today))
    if region:
        queryset = queryset.filter(region__iexact=region)
    search = search_query(query)
    if search is not None:
        # The same expression as the GIN index ``project_search_gin``.
        vector = SearchVector("title", "description", config=SEARCH_CONFIG)
        queryset = queryset.annotate(search=vector).filter(search=search)
        if sort not in SORTS:
            weighted = SearchVector("title", weight="A", config=SEARCH_CONFIG) + SearchVector(
                "description", weight="B", config=SEARCH_CONFIG
            )
            return queryset.annotate(rank=SearchRank(weighted, search)).order_by(
                "-rank", "-start_month", "title"
            )
    return queryset.order_by(*SORTS.get(sort, SORTS["-start"]))


def project_get(*, pk: int) -> Project | None:
    return project_list().filter(pk=pk).first()


def funder_list(*, kind: str = "") -> QuerySet[Funder]:
    queryset = Funder.objects.annotate(project_count=Count("projects")).order_by("name")
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def organisation_with_projects() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(project_links__project__review_status=ReviewStatus.APPROVED)
        .distinct()
        .order_by("name")
    )


def project_regions() -> list[str]:
    """The regions approved projects name, for the list's filter."""
    return list(
        Project.objects.filter(review_status=ReviewStatus.APPROVED)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def organisation_projects(*, organisation: Organisation) -> QuerySet[ProjectOrganisation]:
    return (
        ProjectOrganisation.objects.filter(
            organisation=organisation, project__review_status=ReviewStatus.APPROVED
        )
        .select_related("project")
        .prefetch_related("project__funders")
        .order_by("-project__start_month", "project__title")
    )


def organisation_offers(*, organisation: Organisation, user: User | None) -> QuerySet[Offer]:
    """Active offers of the organisation the user may see (sensitive ones stay hidden)."""
    return offer_list_visible(user=user).filter(organisation=organisation).order_by("-created_at")


def organisation_needs(*, organisation: Organisation, user: User | None) -> QuerySet[Need]:
    return need_list_visible(user=user).filter(organisation=organisation).order_by("-created_at")


# The directory of member organisations.


def organisation_directory(
    *, query: str = "", kind: str = "", region: str = ""
) -> QuerySet[Organisation]:
    """Verified organisations (the consortium's members), A–Z, each with its number of
    approved projects; ``query`` matches every word in the name or description."""
    queryset = Organisation.objects.filter(verified=True).annotate(
        project_count=Count(
            "project_links",
            filter=Q(project_links__project__review_status=ReviewStatus.APPROVED),
        )
    )
    for word in query.split()[:10]:
        queryset = queryset.filter(
            Q(name__unaccent__icontains=word) | Q(description__unaccent__icontains=word)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if region:
        queryset = queryset.filter(region__iexact=region)
    return queryset.order_by("name")


def organisation_public_get(*, pk: int) -> Organisation | None:
    """An organisation with a public page: verified, or running an approved project."""
    return (
        Organisation.objects.filter(pk=pk)
        .filter(Q(verified=True) | Q(project_links__project__review_status=ReviewStatus.APPROVED))
        .distinct()
        .first()
    )


def organisation_regions() -> list[str]:
    return list(
        Organisation.objects.filter(verified=True)
        .exclude(region="")
        .order_by("region")
        .values_list("region", flat=True)
        .distinct()
    )


def public_contacts(organisation: Organisation) -> dict[str, str]:
    """The contacts the organisation chose to publish; none for an unverified one (nobody
    vouched that the address is the organisation's and not a person's)."""
    if not organisation.verified:
        return {}
    contacts = {
        "email": organisation.email if organisation.public_email else "",
        "phone": organisation.phone if organisation.public_phone else "",
        "website": organisation.website if organisation.public_website else "",
    }
    return {kind: value for kind, value in contacts.items() if value}


def user_can_edit_organisation(*, user: User | None, organisation: Organisation) -> bool:
    """The organisation's approved admins, and coordinators who look after it."""
    from accounts.scopes import coordinator_scope

    if user is None or not user.is_authenticated:
        return False
    if coordinator_scope(user=user).covers_organisation(organisation.pk):
        return True
    return Membership.objects.filter(
        user=user,
        organisation=organisation,
        status=Membership.Status.APPROVED,
        is_admin=True,
    ).exists()


# Submissions and their review.


def user_submitting_organisations(*, user: User | None) -> QuerySet[Organisation]:
    """Organisations the user may submit a project for: those they are approved staff of."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.APPROVED
    ).order_by("name")


def projects_to_review(*, scope: Scope) -> QuerySet[Project]:
    """Submissions waiting for review that the scope covers (a platform coordinator: all; an
    organisation's coordinator: that organisation's), oldest first."""
    queryset = Project.objects.filter(review_status=ReviewStatus.PENDING)
    if not scope.everything:
        queryset = queryset.filter(
            organisation_links__organisation_id__in=sorted(scope.organisation_ids)
        ).distinct()
    return (
        queryset.select_related("submitted_by")
        .prefetch_related(
            "funders",
            Prefetch(
                "organisation_links",
                queryset=ProjectOrganisation.objects.select_related("organisation"),
            ),
        )
        .order_by("submitted_at", "pk")
    )


def projects_submitted_by(*, user: User) -> QuerySet[Project]:
    return Project.objects.filter(submitted_by=user).order_by("-submitted_at", "-pk")
