"""What the platform records about people's data: consents given, who looked at whose contact,
accounts erased, and the downloads people asked for."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rights.storage import private_storage


class ContactField(models.TextChoices):
    NAME = "name", _("Name")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class Consent(models.Model):
    """A person agreed to pass named contact fields on: accepting a match is consent to show
    the other side the fields listed here, with the values they had at that moment."""

    class Purpose(models.TextChoices):
        MATCH_CONTACT = "match_contact", _("Share my contact with the other side of a match")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("person"),
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    match = models.ForeignKey(
        "matching.Match",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("match"),
    )
    fields = ArrayField(
        models.CharField(max_length=16, choices=ContactField.choices),
        default=list,
        verbose_name=_("fields shared"),
    )
    # {"name": "...", "email": "...", "phone": "+420..."}: what was shared, as it was then.
    # Cleared when the account is erased (the record of the consent itself stays).
    values = models.JSONField(_("values shared"), default=dict, blank=True)
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["user", "given_at"], name="consent_user_given")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.purpose} ({', '.join(self.fields)})"


class ContactAccess(models.Model):
    """One view of someone's contact details: who saw whose, when, where and which fields."""

    class Where(models.TextChoices):
        MATCH_PAGE = "match_page", _("Connected match page")
        ADMIN_USER_PAGE = "admin_user_page", _("Administration: user page")
        DATA_EXPORT = "data_export", _("Data download")
        # A coordinator's or an organisation's CSV/XLSX export of connected matches.
        EXPORT = "export", _("Export of matches")

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("viewer"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="contact_accesses",
        verbose_name=_("whose contact"),
    )
    where = models.CharField(_("where"), max_length=32, choices=Where.choices)
    fields = ArrayField(
        models.CharField(max_length=16, choices=ContactField.choices),
        default=list,
        verbose_name=_("fields seen"),
    )
    match = models.ForeignKey(
        "matching.Match",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("match"),
    )
    accessed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("contact access")
        verbose_name_plural = _("contact accesses")
        ordering = ["-accessed_at", "-id"]
        indexes = [models.Index(fields=["subject", "accessed_at"], name="contactaccess_subject")]

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.subject_id} ({self.where})"


class AccountErasure(models.Model):
    """The audit record of an account erased: by whom (the person or a coordinator on their
    request), why, and what was withdrawn. The user row stays, anonymised, so the trails that
    point at it (match history, reports, blocks) stay whole with a pseudonymous actor."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="erasure",
        verbose_name=_("erased account"),
    )
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("erased by"),
    )
    reason = models.TextField(_("reason"), blank=True)
    posts_withdrawn = models.PositiveIntegerField(_("posts withdrawn"), default=0)
    matches_withdrawn = models.PositiveIntegerField(_("matches withdrawn"), default=0)
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)

    class Meta:
        verbose_name = _("account erasure")
        verbose_name_plural = _("account erasures")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.erased_at:%Y-%m-%d})"

    @property
    def on_request(self) -> bool:
        """Erased by a coordinator on the person's request, not by the person themselves."""
        return self.erased_by_id is not None and self.erased_by_id != self.user_id


class DataExport(models.Model):
    """A person's download of their data: built at once or by the worker, kept in private
    storage until it expires."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="data_exports",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(_("file"), storage=private_storage, blank=True, max_length=300)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("data download")
        verbose_name_plural = _("data downloads")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.status} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at
