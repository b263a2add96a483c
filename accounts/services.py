from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import Membership, Organisation, Role, User
from accounts.scopes import coordinator_scope
from accounts.selectors import api_token_is_expired, organisations_administered
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
    if not coordinator_scope(user=actor).covers_organisation(
        membership.organisation_id
    ) and membership.organisation_id not in organisations_administered(user=actor):
        raise PermissionDenied(_("You do not coordinate this organisation."))
    if membership.user_id == actor.pk:
        raise PermissionDenied(_("Nobody decides on their own membership."))
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


class SignupIntent:
    """What a person says about themselves when signing up, and the role each answer means."""

    OFFER = "offer"
    NEED = "need"
    ORGANISATION = "organisation"
    ROLES = {
        OFFER: Role.VOLUNTEER,
        NEED: Role.IN_NEED,
        ORGANISATION: Role.ORGANISATION_STAFF,
    }


@transaction.atomic
def user_signup_complete(
    *,
    user: User,
    intent: str,
    preferred_language: str,
    organisation: Organisation | None = None,
) -> User:
    """Finish a web sign-up: the role the person chose, their language and, for organisation
    staff, a request to join their organisation (a coordinator approves it)."""
    if intent not in SignupIntent.ROLES:
        raise ValidationError({"intent": _("Choose how you want to use Pomoc.")})
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    user.roles = sorted({*user.roles, SignupIntent.ROLES[intent]})
    user.preferred_language = preferred_language
    user.save(update_fields=["roles", "preferred_language"])
    if organisation is not None:
        membership_request(user=user, organisation=organisation)
    return user


@transaction.atomic
def user_profile_update(
    *, user: User, display_name: str, phone: str, preferred_language: str
) -> User:
    """What a person says about themselves: the name and phone the other side of a connected
    match sees, and the language Pomoc speaks to them. The phone is stored in E.164."""
    if preferred_language not in dict(settings.LANGUAGES):
        raise ValidationError({"preferred_language": _("Unknown language.")})
    user.display_name = (display_name or "").strip()
    user.phone = phone or ""
    user.preferred_language = preferred_language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "phone", "preferred_language"])
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Remember the interface language a signed-in person chose; unknown codes are ignored."""
    if language in dict(settings.LANGUAGES) and user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


@transaction.atomic
def api_token_issue(*, user: User) -> Token:
    """The user's API token: the current one while it is valid, a new one once it expired."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and api_token_is_expired(token=token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token


def api_tokens_revoke(*, user: User) -> int:
    """Delete the user's API tokens (signing out every app); returns how many there were."""
    deleted, _by_model = Token.objects.filter(user=user).delete()
    return deleted
