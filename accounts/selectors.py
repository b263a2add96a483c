from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Organisation, User
from accounts.scopes import Scope


def user_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations the user is an approved member of."""
    return Organisation.objects.filter(
        memberships__user=user, memberships__status=Membership.Status.APPROVED
    )


def user_is_verified_staff(*, user: User) -> bool:
    """True when the user belongs to at least one verified organisation."""
    if not user.is_authenticated:
        return False
    return user_organisations(user=user).filter(verified=True).exists()


def user_can_see_sensitive(*, user: User) -> bool:
    """Every sensitive post is for staff of verified organisations; coordinators see the
    sensitive posts in their scope only (``posts.selectors.post_visible``)."""
    if not user.is_authenticated:
        return False
    return user_is_verified_staff(user=user)


def organisations_administered(*, user: User) -> frozenset[int]:
    """Organisations whose admin (an approved member marked admin) the user is."""
    if not user.is_authenticated:
        return frozenset()
    return frozenset(
        Membership.objects.filter(
            user=user, status=Membership.Status.APPROVED, is_admin=True
        ).values_list("organisation_id", flat=True)
    )


def memberships_to_decide_for(*, user: User, scope: Scope) -> QuerySet[Membership]:
    """Requests the user may decide: to join an organisation their coordinator scope covers
    or one they are an admin of. Never their own."""
    memberships = Membership.objects.filter(status=Membership.Status.REQUESTED).exclude(user=user)
    if not scope.everything:
        organisations = set(scope.organisation_ids) | organisations_administered(user=user)
        memberships = memberships.filter(organisation_id__in=sorted(organisations))
    return memberships.select_related("user", "organisation").order_by("created_at", "pk")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


def api_token_expires_at(*, token: Token) -> dt.datetime:
    return token.created + settings.POMOC_API_TOKEN_LIFETIME


def api_token_is_expired(*, token: Token) -> bool:
    return timezone.now() >= api_token_expires_at(token=token)
