"""The newsletter to integration actors: subscribers (no account needed) and issues.

A subscriber exists only while pending (waiting for the double opt-in) or confirmed; leaving
deletes the row, so Pomoc keeps no address of someone who asked to hear nothing more.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

LANGUAGES = [code for code, _name in settings.LANGUAGES]
FALLBACK_LANGUAGE = "en"


def new_key() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=FALLBACK_LANGUAGE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Random, naming nobody: signed into the confirmation link, and the unsubscribe link itself.
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_key, editable=False)
    requested_at = models.DateTimeField(_("requested"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("newsletter subscriber")
        verbose_name_plural = _("newsletter subscribers")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscriber_email_ci_unique"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(confirmed_at__isnull=False),
                name="subscriber_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.email


class Issue(models.Model):
    """One issue, written once per language; English is required and the fallback."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")

    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_en = models.TextField(_("text (English)"))
    subject_cs = models.CharField(_("subject (Czech)"), max_length=200, blank=True)
    body_cs = models.TextField(_("text (Czech)"), blank=True)
    subject_uk = models.CharField(_("subject (Ukrainian)"), max_length=200, blank=True)
    body_uk = models.TextField(_("text (Ukrainian)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("newsletter issue")
        verbose_name_plural = _("newsletter issues")
        ordering = ["-sent_at", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(subject_en="") & ~Q(body_en=""), name="issue_english_required"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(sent_at__isnull=False),
                name="issue_sent_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.subject_en

    def text_in(self, language: str) -> tuple[str, str]:
        """(subject, body) in the language, or in English when that language was not written."""
        subject = getattr(self, f"subject_{language}", "")
        body = getattr(self, f"body_{language}", "")
        if subject and body:
            return subject, body
        return self.subject_en, self.body_en
