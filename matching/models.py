"""Proposals pairing an offer with a need, and the record of each matching pass."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    # A coordinator turned the pair down: the matcher never proposes it again.
    REJECTED = "rejected", _("Rejected")
    # The offer's or the need's owner turned it down: never proposed again either.
    DECLINED = "declined", _("Declined")
    # The matcher took it back because the offer or need closed, paused or expired.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RunKind(models.TextChoices):
    FULL = "full", _("Full pass")
    INCREMENTAL = "incremental", _("Incremental pass")


class MatchRun(models.Model):
    """One matching pass: when, how long, what it did and what went wrong."""

    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    needs_considered = models.PositiveIntegerField(_("needs considered"), default=0)
    candidates = models.PositiveIntegerField(_("candidate pairs"), default=0)
    proposed = models.PositiveIntegerField(_("proposals made"), default=0)
    withdrawn = models.PositiveIntegerField(_("proposals withdrawn"), default=0)
    expired = models.PositiveIntegerField(_("posts expired"), default=0)
    skipped = models.BooleanField(
        _("skipped"), default=False, help_text=_("Another full pass was running.")
    )
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M:%S}"


class Match(models.Model):
    """A proposed pairing of an offer with a need, with the score explained factor by factor."""

    offer = models.ForeignKey(
        "offers.Offer", on_delete=models.CASCADE, related_name="matches", verbose_name=_("offer")
    )
    need = models.ForeignKey(
        "needs.Need", on_delete=models.CASCADE, related_name="matches", verbose_name=_("need")
    )
    score = models.FloatField(_("score"))
    # {"factors": {"distance": 0.8, ...}, "weights": {...}, "distance_km": 3.2}
    explanation = models.JSONField(_("explanation"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    run = models.ForeignKey(
        MatchRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("run"),
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-score"]
        constraints = [
            # One row per pair, whatever its status: this is what makes a rejected or declined
            # pair impossible to propose again and a re-run unable to duplicate.
            models.UniqueConstraint(fields=["offer", "need"], name="match_unique_offer_need"),
            models.CheckConstraint(
                condition=Q(status__in=MatchStatus.values), name="match_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["need", "status"], name="match_need_status"),
            models.Index(fields=["offer", "status"], name="match_offer_status"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.need_id} ({self.score:.2f})"
