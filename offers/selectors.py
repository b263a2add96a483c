from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from accounts.models import User
from offers.models import Offer
from posts.models import Category
from posts.selectors import post_near, post_owned_by, post_visible


def offer_list_visible(*, user: User | None) -> QuerySet[Offer]:
    return post_visible(Offer, user=user)


def offer_list_near(
    *, point: Point, radius_km: float, user: User | None, category: Category | None = None
) -> QuerySet[Offer]:
    """Visible offers within radius_km of point, nearest first (index-backed)."""
    queryset = offer_list_visible(user=user)
    if category is not None:
        queryset = queryset.filter(category=category)
    return post_near(queryset, point=point, radius_km=radius_km)


def offer_list_owned(*, user: User) -> QuerySet[Offer]:
    return post_owned_by(Offer, user=user)
