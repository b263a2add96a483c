from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from accounts.models import User
from needs.models import Need
from posts.models import Category
from posts.selectors import post_near, post_owned_by, post_visible


def need_list_visible(*, user: User | None) -> QuerySet[Need]:
    return post_visible(Need, user=user)


def need_list_near(
    *, point: Point, radius_km: float, user: User | None, category: Category | None = None
) -> QuerySet[Need]:
    """Visible needs within radius_km of point, nearest first (index-backed)."""
    queryset = need_list_visible(user=user)
    if category is not None:
        queryset = queryset.filter(category=category)
    return post_near(queryset, point=point, radius_km=radius_km)


def need_list_owned(*, user: User) -> QuerySet[Need]:
    return post_owned_by(Need, user=user)
