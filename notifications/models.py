"""The inbox and the outbox.

A ``Notification`` is what the recipient reads (in the app, in their language). A ``Delivery`` is
one attempt-tracked send of it over one channel (email, log...). Both are written in the same
transaction as the state change that caused them; a django-q2 task sends the deliveries later,
so a mail server that is down loses nothing: the delivery stays pending and is retried.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    # None for a message to someone without an account (a newsletter subscriber): it then
    # goes to ``email`` and appears in nobody's inbox.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        null=True,
        blank=True,
    )
    email = models.EmailField(_("email address"), blank=True)
    # The message's own one-click unsubscribe link (a newsletter's); empty: the recipient's.
    unsubscribe_url = models.CharField(_("unsubscribe link"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=50)
    # Why this message exists (e.g. "match:12:approved"); the same event never notifies twice.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # The short text message (SMS) version, rendered with the rest in the recipient's language.
    body_sms = models.CharField(_("SMS text"), max_length=480, blank=True)
    action_url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Set when retention replaced a body that carried contacts (privacy/services.py).
    purged_at = models.DateTimeField(_("purged"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"], name="notification_once_per_event"
            ),
            models.UniqueConstraint(
                fields=["email", "dedupe_key"],
                condition=Q(recipient__isnull=True),
                name="notification_once_per_event_to_address",
            ),
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(email=""),
                name="notification_has_recipient_or_address",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.subject}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(_("channel"), max_length=30)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Daily-digest deliveries wait for the digest task instead of being sent one by one.
    digest = models.BooleanField(_("in daily digest"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} via {self.channel}: {self.status}"


def new_unsubscribe_key() -> str:
    return secrets.token_urlsafe(32)


class Preference(models.Model):
    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        DAILY = "daily", _("Once a day (digest)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    channels = ArrayField(
        models.CharField(max_length=30),
        default=list,
        blank=True,
        verbose_name=_("channels"),
        help_text=_("Where messages go besides the inbox on the site."),
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    # The secret of the unsubscribe links in this user's emails: random, so a link says nothing
    # about whose it is, and replaced (notifications.services.unsubscribe_links_revoke) to
    # make every link sent so far stop working.
    unsubscribe_key = models.CharField(
        _("unsubscribe key"),
        max_length=64,
        unique=True,
        default=new_unsubscribe_key,
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user}: {', '.join(self.channels) or '-'} ({self.mode})"
