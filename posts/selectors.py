"""Reads shared by offers and needs."""

from __future__ import annotations

import math
from typing import TypeVar

from django.contrib.gis.db.models.functions import Distance, GeoFunc, GeometryDistance
from django.contrib.gis.geos import Point
from django.db.models import BooleanField, F, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import User
from accounts.scopes import coordinator_scope
from accounts.selectors import user_can_see_sensitive
from posts.models import Category, Post, PostStatus, searchable

P = TypeVar("P", bound=Post)


def category_list() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("position", "slug")


def sensitive_filter() -> Q:
    """Posts in a sensitive category or in a subcategory of one."""
    return Q(category__sensitive=True) | Q(category__parent__sensitive=True)


def in_category(category: Category) -> Q:
    """Posts in a category or in one of its subcategories.

    A subquery of category ids rather than ``category OR category__parent``: the OR across the
    join made PostgreSQL pair every post in a search radius with every category (190 000 pairs
    for 8 000 posts around Brno, 50 ms); ids filter the posts before any join."""
    ids = Category.objects.filter(Q(pk=category.pk) | Q(parent_id=category.pk)).values("pk")
    return Q(category__in=ids)


def post_visible(model: type[P], *, user: User | None) -> QuerySet[P]:
    """Posts a user may browse: active, valid today, not hidden by a coordinator, and sensitive
    ones only for staff of verified organisations and for coordinators within their scope."""
    today = timezone.localdate()
    queryset = (
        model.objects.filter(
            status=PostStatus.ACTIVE, valid_from__lte=today, hidden_at__isnull=True
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("category", "category__parent", "organisation")
    )
    if user is None or not user_can_see_sensitive(user=user):
        scope = coordinator_scope(user=user).post_q()
        if scope is None:
            return queryset
        queryset = queryset.exclude(sensitive_filter() & ~scope)
    return queryset


def search_point(point: Point) -> Point:
    """A search centre snapped to the public grid: finer centres would let repeated searches
    measure a post against circles placed anywhere."""
    return Point(
        round(point.x, PUBLIC_COORDINATE_DECIMALS),
        round(point.y, PUBLIC_COORDINATE_DECIMALS),
        srid=4326,
    )


def search_radius_km(radius_km: float) -> int:
    """A search radius in whole kilometres, rounded up, for the same reason."""
    return math.ceil(radius_km)


class WithinMetres(GeoFunc):
    """``ST_DWithin(column, point, metres)`` on geography, spelled out as the two halves PostGIS
    runs anyway: the index's bounding-box test (``&&`` the expanded point) and the exact
    spheroid test (``_ST_DWithin``).

    Why: PostGIS 3.3 estimates ``ST_DWithin`` on geography at a fixed 0.01 % of the table (10
    rows of 100 000, when 50 km around Prague holds 18 000), so the planner sorted every row in
    the radius instead of walking the GiST index nearest first, and the huge cost it then
    reckoned switched on JIT compiling (0.3-0.5 s a query). The ``&&`` half is estimated from the
    column's statistics (29 003 for 28 353 real) and the same index answers it.
    """

    output_field = BooleanField()
    geom_param_pos = (0, 1)
    arity = 3

    def as_sql(self, compiler, connection, **extra_context):
        column, point, metres = (compiler.compile(arg) for arg in self.source_expressions)
        sql = (
            f"({column[0]} && _ST_Expand({point[0]}::geography, {metres[0]}) "
            f"AND _ST_DWithin({column[0]}, {point[0]}::geography, {metres[0]}, true))"
        )
        return sql, (*column[1], *point[1], *metres[1]) * 2


def post_near(
    queryset: QuerySet[P], *, point: Point, radius_km: float, exact: bool = False
) -> QuerySet[P]:
    """Posts within radius_km of point, nearest first, each with its ``distance``.

    Public searches (``exact=False``, everything but one's own posts) are computed from
    ``public_location`` only, from a snapped centre with a whole-km radius: which posts are in,
    their order, distances and counts then depend on nothing finer than the public cell, so no
    series of searches can triangulate a post's exact point. ``exact=True`` is for a list that
    holds only posts the viewer may edit (``mine=true``).

    ``WithinMetres`` and ``GeometryDistance`` (the ``<->`` operator, annotated as ``nearest``)
    both use the GiST index on the column; ``distance_lte`` or ordering by ``Distance`` would
    scan every row. Ties (posts of one cell) are broken by age, never by anything finer than the
    cell; ``posts.pagination.search_page`` reads a page of this order through the index.
    """
    column = "location" if exact else "public_location"
    if not exact:
        point, radius_km = search_point(point), search_radius_km(radius_km)
    return (
        queryset.filter(WithinMetres(F(column), Value(point), Value(float(radius_km) * 1000)))
        .annotate(
            distance=Distance(column, point),
            distance_exact=Value(exact),
            nearest=GeometryDistance(column, point),
        )
        .order_by(*NEAREST_FIRST)
    )


# The order of post_near; the first key alone is what the GiST index can walk.
NEAREST_FIRST = ("nearest", "-created_at", "-pk")


def post_owned_by(model: type[P], *, user: User) -> QuerySet[P]:
    return model.objects.filter(owner=user).select_related("category__parent", "organisation")


# Every position shown to someone who may not edit the post is on this grid (0.01°, about
# 1.1 km north-south and 0.7 km east-west in Czechia): posts.models.PUBLIC_GRID_DEGREES.
PUBLIC_COORDINATE_DECIMALS = 2
DEFAULT_SEARCH_RADIUS_KM = 25


def public_point(post: Post, *, exact: bool) -> Point:
    """The post's point as the viewer may see it: exact for who may edit it, else the public
    grid point PostgreSQL keeps in ``public_location`` (the very value public searches use),
    rounded only to drop the float noise of the snapping (50.080000000000005)."""
    if exact:
        return post.location
    return Point(
        round(post.public_location.x, PUBLIC_COORDINATE_DECIMALS),
        round(post.public_location.y, PUBLIC_COORDINATE_DECIMALS),
        srid=4326,
    )


def post_text_filter(queryset: QuerySet[P], text: str) -> QuerySet[P]:
    """Posts whose title or description holds every typed word, accents ignored (people type
    "zidle" for "židle" on a phone keyboard)."""
    if not text.split():
        return queryset
    # The same expressions as the trigram indexes (``Post.shared_indexes``), so they serve.
    queryset = queryset.alias(
        _title_searchable=searchable("title"), _description_searchable=searchable("description")
    )
    for word in text.split():
        wanted = searchable(Value(word))
        queryset = queryset.filter(
            Q(_title_searchable__contains=wanted) | Q(_description_searchable__contains=wanted)
        )
    return queryset


def post_search(
    model: type[P],
    *,
    user: User | None,
    text: str = "",
    category: Category | None = None,
    point: Point | None = None,
    radius_km: float | None = None,
    remote_only: bool = False,
    language: str = "",
    nearest_first: bool = False,
) -> QuerySet[P]:
    """The browse page's search over visible posts. With a point, only posts within radius_km
    (index-backed ``post_near``), each with its ``distance``; newest first unless
    ``nearest_first``."""
    queryset = post_visible(model, user=user)
    if category is not None:
        queryset = queryset.filter(in_category(category))
    if remote_only:
        queryset = queryset.filter(remote=True)
    if language:
        queryset = queryset.filter(languages__contains=[language])
    queryset = post_text_filter(queryset, text)
    if point is not None:
        queryset = post_near(queryset, point=point, radius_km=radius_km or DEFAULT_SEARCH_RADIUS_KM)
        if not nearest_first:
            queryset = queryset.order_by("-created_at", "-pk")
    else:
        queryset = queryset.order_by("-created_at", "-pk")
    return queryset
