"""The log of every export: who took which rows, when, with which filter."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Dataset(models.TextChoices):
    OFFERS = "offers", _("Offers")
    NEEDS = "needs", _("Needs")
    MATCHES = "matches", _("Matches")


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ExportLog(models.Model):
    """One export. Kept so the platform's coordinators can answer "who took this data out, and
    what": an export leaves the platform and no retention rule reaches it afterwards."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)
    dataset = models.CharField(_("what"), max_length=16, choices=Dataset.choices)
    format = models.CharField(_("format"), max_length=8, choices=ExportFormat.choices)
    # None: the coordinator's scope; else the organisation whose own rows were exported.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    row_count = models.PositiveIntegerField(_("rows"))
    rows_with_contacts = models.PositiveIntegerField(_("rows with contacts"), default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dataset__in=Dataset.values), name="exportlog_dataset_valid"
            ),
            models.CheckConstraint(
                condition=Q(format__in=ExportFormat.values), name="exportlog_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format} ({self.row_count})"
