"""Reads of the catalogue; the web list, the CSV export and the API share ``project_list``."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import Organisation, User
from catalogue.models import (
    SEARCH_CONFIG,
    Funder,
    Project,
    ProjectOrganisation,
    ProjectStatus,
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
    sort: str = "",
    today: date | None = None,
) -> QuerySet[Project]:
    """Projects matching every given filter, with funders and organisations prefetched.

    With a search and no explicit sort, the best matches (title weighs more) come first.
    """
    today = today or timezone.localdate()
    queryset = Project.objects.prefetch_related(
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
    return Organisation.objects.filter(project_links__isnull=False).distinct().order_by("name")


def organisation_projects(*, organisation: Organisation) -> QuerySet[ProjectOrganisation]:
    return (
        ProjectOrganisation.objects.filter(organisation=organisation)
        .select_related("project")
        .prefetch_related("project__funders")
        .order_by("-project__start_month", "project__title")
    )


def organisation_offers(*, organisation: Organisation, user: User | None) -> QuerySet[Offer]:
    """Active offers of the organisation the user may see (sensitive ones stay hidden)."""
    return offer_list_visible(user=user).filter(organisation=organisation).order_by("-created_at")


def organisation_needs(*, organisation: Organisation, user: User | None) -> QuerySet[Need]:
    return need_list_visible(user=user).filter(organisation=organisation).order_by("-created_at")
