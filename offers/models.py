from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from posts.models import Post


class Offer(Post):
    """A volunteer or an organisation offers help."""

    capacity = models.PositiveIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1)],
        default=1,
        help_text=_("How many people or needs this offer can serve."),
    )
    # When the host's current verification was recorded; empty while none stands. Kept by
    # offers.services.host_verify / host_verification_withdraw from HostVerification, so the
    # matcher's candidate rule reads a column rather than joining the record.
    host_verified_at = models.DateTimeField(_("host verified"), null=True, blank=True)

    class Meta(Post.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            *Post.shared_constraints("offer"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1),
                name="offer_capacity_at_least_1",
                violation_error_message=_("The capacity must be at least 1."),
            ),
        ]
        indexes = Post.shared_indexes("offer")

    @classmethod
    def extra_editable_fields(cls) -> frozenset[str]:
        return frozenset({"capacity"})


class VerificationMethod(models.TextChoices):
    ID_SEEN = "id_seen", _("Identity document seen in person")
    VIDEO_CALL = "video_call", _("Video call with the host, home shown")
    HOME_VISIT = "home_visit", _("Home visit")


# What safe-homes guidance (EUAA, the EC's "Safe Homes", Homes for Ukraine) asks to check before
# anyone is placed in a stranger's home. Every item must hold for a verification to stand.
VERIFICATION_CHECKLIST = {
    "own_room_locks": _("The guests get a room of their own that locks from inside."),
    "smoke_alarm": _("There is a working smoke alarm."),
    "no_payment": _("No payment, work or favours are asked in return."),
    "household_known": _("Everyone who lives in the home is known and listed below."),
}


class HostVerification(models.Model):
    """A coordinator or a verified organisation's staff vouches for a host and a home.

    Kept when withdrawn (``withdrawn_at``): the record of who vouched, when and how is part of the
    safeguarding trail."""

    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="verifications", verbose_name=_("offer")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified"))
    method = models.CharField(_("how"), max_length=20, choices=VerificationMethod.choices)
    checklist = models.JSONField(_("checklist"), default=dict)
    household_members = models.TextField(_("household members"), max_length=1000)
    notes = models.TextField(_("notes"), max_length=1000, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawn_reason = models.TextField(_("why withdrawn"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("host verification")
        verbose_name_plural = _("host verifications")
        ordering = ["-verified_at"]
        constraints = [
            # At most one verification stands for an offer at a time.
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(withdrawn_at__isnull=True),
                name="host_verification_one_standing",
            )
        ]

    def __str__(self) -> str:
        return f"verification of offer {self.offer_id}"
