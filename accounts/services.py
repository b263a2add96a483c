from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, Role, User
from notifications.services import notify


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    roles: list[str],
    display_name: str = "",
    phone: str = "",
    preferred_language: str = "cs",
) -> User:
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError({"roles": _("Unknown role: %s") % ", ".join(sorted(unknown))})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("A user with this email address already exists.")})
    user = User(
        email=User.objects.normalize_email(email).lower(),
        roles=sorted(set(roles)),
        display_name=display_name,
        phone=phone,
        preferred_language=preferred_language,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def membership_request(*, user: User, organisation: Organisation) -> Membership:
    membership, _created = Membership.objects.get_or_create(user=user, organisation=organisation)
    if Role.ORGANISATION_STAFF not in user.roles:
        user.roles = sorted({*user.roles, Role.ORGANISATION_STAFF})
        user.save(update_fields=["roles"])
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, approve: bool, actor: User) -> Membership:
    if not actor.is_coordinator:
        raise PermissionDenied(_("Only coordinators decide on memberships."))
    membership.status = Membership.Status.APPROVED if approve else Membership.Status.REJECTED
    membership.save(update_fields=["status"])
    notify(
        recipient=membership.user,
        kind="membership_decided",
        dedupe_key=f"membership:{membership.pk}:{membership.status}",
        context={"organisation": membership.organisation, "approved": approve},
        action_path=reverse("home"),
    )
    return membership
