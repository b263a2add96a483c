from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from offers.models import VERIFICATION_CHECKLIST, HostVerification, Offer, VerificationMethod
from offers.selectors import host_verification_standing, user_can_verify_host
from posts.hooks import matching_queue
from posts.models import Category, PostStatus
from posts.services import post_create, post_set_status, post_update


def offer_create(
    *,
    owner: User,
    category: Category,
    title: str,
    place_name: str,
    languages: list[str],
    capacity: int = 1,
    organisation: Organisation | None = None,
    status: str = PostStatus.ACTIVE,
    **fields: object,
) -> Offer:
    offer = post_create(
        Offer,
        owner=owner,
        category=category,
        title=title,
        place_name=place_name,
        languages=languages,
        organisation=organisation,
        status=status,
        capacity=capacity,
        **fields,
    )
    matching_queue(kind="offer", pk=offer.pk)
    return offer


def offer_update(offer: Offer, *, actor: User, **changes: object) -> Offer:
    offer = post_update(offer, actor=actor, **changes)
    matching_queue(kind="offer", pk=offer.pk)
    return offer


def offer_set_status(offer: Offer, *, actor: User | None, status: str) -> Offer:
    offer = post_set_status(offer, actor=actor, status=status)
    matching_queue(kind="offer", pk=offer.pk)
    return offer


def _lock_for_verification(offer: Offer) -> Offer:
    """The offer's row, locked so two verifiers cannot both record or withdraw at once, with
    the categories that say whether the host must be vetted."""
    return (
        Offer.objects.select_for_update(of=("self",))
        .select_related("category__parent")
        .get(pk=offer.pk)
    )


@transaction.atomic
def host_verify(
    *,
    offer: Offer,
    actor: User,
    method: str,
    checklist: dict[str, bool],
    household_members: str,
    notes: str = "",
) -> HostVerification:
    """Record that a host and their home were checked; from now on the offer may be proposed."""
    offer = _lock_for_verification(offer)
    if not user_can_verify_host(user=actor, offer=offer):
        raise PermissionDenied(_("You cannot verify this host."))
    errors = {}
    if method not in VerificationMethod.values:
        errors["method"] = _("Say how the host was verified.")
    missing = [
        str(label) for key, label in VERIFICATION_CHECKLIST.items() if not checklist.get(key)
    ]
    if missing:
        errors["checklist"] = _("Every item must hold before a host is verified: %(items)s") % {
            "items": " ".join(missing)
        }
    household_members = (household_members or "").strip()
    if not household_members:
        errors["household_members"] = _("List everyone who lives in the home.")
    if host_verification_standing(offer) is not None:
        errors["__all__"] = _("This host is already verified.")
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    verification = HostVerification.objects.create(
        offer=offer,
        verified_by=actor,
        verified_at=now,
        method=method,
        checklist={key: True for key in VERIFICATION_CHECKLIST},
        household_members=household_members[:1000],
        notes=(notes or "").strip()[:1000],
    )
    Offer.objects.filter(pk=offer.pk).update(host_verified_at=now)
    matching_queue(kind="offer", pk=offer.pk)
    return verification


@transaction.atomic
def host_verification_withdraw(*, offer: Offer, actor: User, reason: str) -> HostVerification:
    """Take a verification back: the offer stops being proposed, and its open proposals and
    approved matches still waiting for answers are withdrawn."""
    from matching.engine import withdraw_stale

    offer = _lock_for_verification(offer)
    if not user_can_verify_host(user=actor, offer=offer):
        raise PermissionDenied(_("You cannot verify this host."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the verification is withdrawn.")})
    verification = host_verification_standing(offer)
    if verification is None:
        raise ValidationError({"__all__": _("This host has no verification to withdraw.")})
    verification.withdrawn_at, verification.withdrawn_by = timezone.now(), actor
    verification.withdrawn_reason = reason[:1000]
    verification.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    Offer.objects.filter(pk=offer.pk).update(host_verified_at=None)
    withdraw_stale(today=timezone.localdate(), offer_id=offer.pk)
    return verification
