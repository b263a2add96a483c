from __future__ import annotations

from django.contrib.gis.geos import Point
from django.db.models import QuerySet

from accounts.models import User
from accounts.scopes import coordinator_scope
from accounts.selectors import user_is_verified_staff, user_organisations
from offers.models import HostVerification, Offer
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


def host_verification_required(offer: Offer) -> bool:
    """Whether the offer's category, or its general category, vets hosts before placements."""
    category = offer.category
    return category.needs_verification or bool(
        category.parent_id and category.parent.needs_verification
    )


def host_verification_standing(offer: Offer) -> HostVerification | None:
    return offer.verifications.filter(withdrawn_at__isnull=True).first()


def user_can_verify_host(*, user: User, offer: Offer) -> bool:
    """Coordinators who look after the offer, and staff of verified organisations; never the
    host, nor staff of the host's own organisation (nobody vouches for themselves)."""
    if not user.is_authenticated or user.pk == offer.owner_id:
        return False
    if offer.organisation_id and offer.organisation_id in set(
        user_organisations(user=user).values_list("pk", flat=True)
    ):
        return False
    return coordinator_scope(user=user).covers(offer) or user_is_verified_staff(user=user)
