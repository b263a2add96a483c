"""Reports of offers and needs, and the record of blocked users."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_COMMENT_LENGTH = 1000


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSIVE = "abusive", _("Abusive, dangerous or exploitative")
    OTHER = "other", _("Something else")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    # A coordinator acted on it (hid the post, blocked the owner).
    RESOLVED = "resolved", _("Resolved")
    # A coordinator looked and found nothing wrong.
    DISMISSED = "dismissed", _("Dismissed")


class Report(models.Model):
    """Someone signed in says an offer or a need is spam or abusive.

    Two nullable foreign keys rather than a generic relation: the database checks that exactly
    one is set, deletes cascade, and the queue joins both posts with plain ``select_related``.
    """

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reports_made",
        verbose_name=_("reporter"),
    )
    offer = models.ForeignKey(
        "offers.Offer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("offer"),
    )
    need = models.ForeignKey(
        "needs.Need",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("need"),
    )
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    comment = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports_handled",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(offer__isnull=False) & Q(need__isnull=True))
                | (Q(offer__isnull=True) & Q(need__isnull=False)),
                name="report_exactly_one_post",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(reason__in=ReportReason.values), name="report_reason_valid"
            ),
            # One open report per person and post: reporting twice does not count twice.
            models.UniqueConstraint(
                fields=["reporter", "offer"],
                condition=Q(status="open"),
                name="report_one_open_per_offer",
            ),
            models.UniqueConstraint(
                fields=["reporter", "need"],
                condition=Q(status="open"),
                name="report_one_open_per_need",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(status="open"), name="report_open_created"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.post}"

    @property
    def post(self):
        return self.offer if self.offer_id else self.need


class UserBlock(models.Model):
    """Who blocked whom, when and why. The block itself is ``User.is_active = False``, which
    Django's and allauth's logins, sessions and DRF tokens already refuse."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="block",
        verbose_name=_("user"),
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("blocked by"),
    )
    blocked_at = models.DateTimeField(_("blocked"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=500)

    class Meta:
        verbose_name = _("blocked user")
        verbose_name_plural = _("blocked users")
        ordering = ["-blocked_at"]

    def __str__(self) -> str:
        return str(self.user)


class Concern(models.Model):
    """A confidential concern a side of a match raises with the coordinators: about safety,
    money asked, anything that feels wrong. The other side is never told; the coordinators in
    scope must answer by ``due_at``, or the platform coordinators are alerted."""

    match = models.ForeignKey(
        "matching.Match", on_delete=models.CASCADE, related_name="concerns", verbose_name=_("match")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="concerns_raised",
        verbose_name=_("raised by"),
    )
    text = models.TextField(_("concern"), max_length=MAX_COMMENT_LENGTH)
    created_at = models.DateTimeField(_("raised"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answer = models.TextField(_("answer"), max_length=MAX_COMMENT_LENGTH, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    class Meta:
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="concern_open_due",
                condition=Q(answered_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"concern {self.pk} on match {self.match_id}"

    @property
    def overdue(self) -> bool:
        return self.answered_at is None and self.due_at < timezone.now()


class ModerationAction(models.TextChoices):
    HIDE = "hide", _("Hidden")
    SHOW = "show", _("Shown again")


class PostModeration(models.Model):
    """The history of a post's moderation: who hid it or showed it again, when and why. The
    post's ``hidden_*`` fields say what holds now; these rows say how it came to be."""

    offer = models.ForeignKey(
        "offers.Offer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_history",
        verbose_name=_("offer"),
    )
    need = models.ForeignKey(
        "needs.Need",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_history",
        verbose_name=_("need"),
    )
    action = models.CharField(_("action"), max_length=8, choices=ModerationAction.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("post moderation")
        verbose_name_plural = _("post moderation history")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(offer__isnull=False) & Q(need__isnull=True))
                | (Q(offer__isnull=True) & Q(need__isnull=False)),
                name="postmoderation_exactly_one_post",
            ),
            models.CheckConstraint(
                condition=Q(action__in=ModerationAction.values),
                name="postmoderation_action_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.offer_id or self.need_id}"
