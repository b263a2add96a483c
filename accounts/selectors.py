from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import ManagedAccount, Membership, Organisation, ProxyAction, User
from accounts.scopes import Scope, coordinator_scope


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


# Operator intake: people registered without email, and who acts for them.


def operator_organisations(*, user: User) -> QuerySet[Organisation]:
    """Organisations the user may register people for and act for them in: verified ones the
    user is approved staff of, and those a coordinator's scope covers (all for the platform)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    scope = coordinator_scope(user=user)
    if scope.everything:
        return Organisation.objects.all()
    staff = user_organisations(user=user).filter(verified=True).values("pk")
    return Organisation.objects.filter(
        models.Q(pk__in=staff) | models.Q(pk__in=sorted(scope.organisation_ids))
    )


def managed_account_of(*, person: User) -> ManagedAccount | None:
    """The person's registration by an operator while it lasts (None once claimed)."""
    return (
        ManagedAccount.objects.filter(user=person, claimed_at__isnull=True)
        .select_related("organisation", "registered_by")
        .first()
    )


def operator_can_act_for(*, user: User, person: User) -> bool:
    """Whether the user may act for ``person``: the person was registered by an operator, has
    not claimed the account, and the user is staff of (or coordinates) that organisation."""
    if not user.is_authenticated or user.pk == person.pk:
        return False
    account = managed_account_of(person=person)
    return account is not None and (
        operator_organisations(user=user).filter(pk=account.organisation_id).exists()
    )


def managed_people_for(*, user: User) -> QuerySet[ManagedAccount]:
    """The people the user may act for, newest first."""
    return (
        ManagedAccount.objects.filter(
            claimed_at__isnull=True, organisation__in=operator_organisations(user=user)
        )
        .select_related("user", "organisation", "registered_by")
        .order_by("-created_at", "-pk")
    )


def managed_person_proxies(*, user: User) -> list[User]:
    """Who hears what is meant for a person registered by an operator: the operator and the
    approved staff of the organisation, active, each once; nobody for any other account."""
    account = managed_account_of(person=user)
    if account is None:
        return []
    staff = User.objects.filter(
        is_active=True,
        memberships__organisation_id=account.organisation_id,
        memberships__status=Membership.Status.APPROVED,
    )
    people = {person.pk: person for person in staff.order_by("pk")}
    if account.registered_by is not None and account.registered_by.is_active:
        people.setdefault(account.registered_by.pk, account.registered_by)
    people.pop(user.pk, None)
    return list(people.values())


def proxy_actions_for(*, person: User) -> QuerySet[ProxyAction]:
    return ProxyAction.objects.filter(person=person).select_related("actor", "need", "match")


def registering_organisation(*, user_id: int) -> Organisation | None:
    """The organisation that registered the person (their posts say "registered by" it)."""
    account = ManagedAccount.objects.filter(user_id=user_id).select_related("organisation").first()
    return account.organisation if account else None
