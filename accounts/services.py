from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accounts.models import (
    MANAGED_EMAIL_DOMAIN,
    ClaimAttempt,
    ClaimCode,
    ConsentMethod,
    ManagedAccount,
    Membership,
    Organisation,
    ProxyAction,
    Role,
    User,
)
from accounts.scopes import coordinator_scope
from accounts.selectors import (
    api_token_is_expired,
    managed_account_of,
    operator_can_act_for,
    operator_organisations,
    organisations_administered,
)
from notifications.services import notify, preference_for, preference_update
from posts.languages import unknown_languages


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


# --- operator intake: people without email ------------------------------------------------------

# Unambiguous on a phone line and on paper: no 0/O, 1/I/L.
CLAIM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CLAIM_CODE_LENGTH = 10


class ClaimRateLimited(Exception):
    """Too many wrong claim codes from one client address; try again later."""


def _hash_code(code: str) -> str:
    normalised = "".join(code.upper().split()).replace("-", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


@transaction.atomic
def managed_person_register(
    *,
    operator: User,
    organisation: Organisation,
    display_name: str,
    phone: str = "",
    languages: list[str],
    preferred_language: str,
    consent_method: str,
    consent_given: bool,
) -> User:
    """An operator registers a person who has no email, for ``organisation``, with the
    person's consent (given by phone or in person, recorded with who took it and when).
    Messages for the person go to the operator and the organisation's staff, and by SMS to
    the person's phone when an SMS gateway is configured."""
    if not operator_organisations(user=operator).filter(pk=organisation.pk).exists():
        raise PermissionDenied(
            _("You can register people only for a verified organisation you work for.")
        )
    errors: dict[str, str] = {}
    if not consent_given:
        errors["consent_given"] = _("Register a person only with their consent.")
    if consent_method not in ConsentMethod.values:
        errors["consent_method"] = _("Say how the person gave their consent.")
    languages = sorted({code.strip().lower() for code in languages if code.strip()})
    if not languages:
        errors["languages"] = _("Give at least one language the person speaks.")
    elif unknown_languages(languages):
        errors["languages"] = _("Unknown language: %s") % ", ".join(unknown_languages(languages))
    if not display_name.strip():
        errors["display_name"] = _("Give a name or an alias.")
    if errors:
        raise ValidationError(errors)
    user = User(
        email=f"person-{secrets.token_hex(8)}@{MANAGED_EMAIL_DOMAIN}",
        display_name=display_name.strip(),
        phone=phone,
        roles=[Role.IN_NEED],
        preferred_language=preferred_language,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    ManagedAccount.objects.create(
        user=user,
        organisation=organisation,
        registered_by=operator,
        languages=languages,
        consent_taken_by=operator,
        consent_method=consent_method,
        consent_at=timezone.now(),
    )
    # No email: SMS when the person has a phone and a gateway is configured, else the
    # inbox on the site (which the operator reads, through the copies they get).
    # Stored even while no gateway is configured: ``notify`` uses only configured channels,
    # so SMS starts once a gateway is set up, without touching each person's settings.
    preference = preference_for(user)
    preference.channels = ["sms"] if user.phone else []
    preference.save(update_fields=["channels", "updated_at"])
    ProxyAction.objects.create(actor=operator, person=user, action=ProxyAction.Action.REGISTERED)
    return user


def proxy_action_record(
    *, actor: User, person: User, action: str, need=None, match=None
) -> ProxyAction:
    return ProxyAction.objects.create(
        actor=actor, person=person, action=action, need=need, match=match
    )


def _require_operator(*, operator: User, person: User) -> ManagedAccount:
    account = managed_account_of(person=person)
    if account is None or not operator_can_act_for(user=operator, person=person):
        raise PermissionDenied(_("You do not act for this person."))
    return account


@transaction.atomic
def claim_code_issue(*, operator: User, person: User) -> str:
    """A new one-time code for the person to claim their account; earlier codes stop working.
    Only its hash is kept: the operator reads the code out or writes it down once."""
    account = _require_operator(operator=operator, person=person)
    now = timezone.now()
    account.claim_codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _i in range(CLAIM_CODE_LENGTH))
    ClaimCode.objects.create(
        account=account,
        code_hash=_hash_code(code),
        created_by=operator,
        expires_at=now + dt.timedelta(hours=settings.POMOC_CLAIM_CODE_HOURS),
    )
    proxy_action_record(actor=operator, person=person, action=ProxyAction.Action.CLAIM_CODE_ISSUED)
    return f"{code[:5]}-{code[5:]}"


def _claim_attempts_exceeded(client: str) -> bool:
    since = timezone.now() - dt.timedelta(minutes=settings.POMOC_CLAIM_ATTEMPT_WINDOW_MINUTES)
    failures = ClaimAttempt.objects.filter(client=client, created_at__gte=since).count()
    return failures >= settings.POMOC_CLAIM_ATTEMPT_LIMIT


def account_claim(*, code: str, email: str, password: str, client: str) -> User:
    """The person takes over the account an operator registered: a valid code (unused, not
    expired), their own email and a password. From then on the account is theirs: they log in
    with the address, and operators no longer act for them. A wrong code counts towards the
    client address's limit; past it, ``ClaimRateLimited`` whatever the code."""
    if _claim_attempts_exceeded(client):
        raise ClaimRateLimited(_("Too many wrong codes. Try again later."))
    with transaction.atomic():
        claim = (
            ClaimCode.objects.select_for_update()
            .select_related("account__user")
            .filter(
                code_hash=_hash_code(code),
                used_at__isnull=True,
                expires_at__gt=timezone.now(),
                account__claimed_at__isnull=True,
            )
            .first()
        )
        if claim is not None:
            return _claim_complete(claim, email=email, password=password)
    # Outside the rolled-back transaction, so the failure is counted.
    ClaimAttempt.objects.create(client=client[:64])
    raise ValidationError({"code": _("This code is not valid, was used already or has expired.")})


def _claim_complete(claim: ClaimCode, *, email: str, password: str) -> User:
    user = claim.account.user
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        EmailValidator()(email)
    except ValidationError as error:
        raise ValidationError({"email": error.messages}) from error
    if email.endswith(".invalid"):
        raise ValidationError({"email": _("Enter a real email address.")})
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError(
            {"email": _("This address belongs to another account. Use another one.")}
        )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error
    now = timezone.now()
    claim.used_at = now
    claim.save(update_fields=["used_at"])
    claim.account.claimed_at = now
    claim.account.save(update_fields=["claimed_at"])
    user.email = email
    user.set_password(password)
    user.save(update_fields=["email", "password"])
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    preference_update(
        user=user, channels=["email", *(["sms"] if user.phone else [])], mode="immediate"
    )
    return user
