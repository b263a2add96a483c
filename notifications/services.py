"""Writes of the notifications app: create notifications, send deliveries, preferences.

Delivery is at-least-once with a claim: a delivery is sent only by the worker that moved it from
``pending`` to ``sending`` (an atomic UPDATE), so a task that runs twice sends once. A worker that
dies while sending leaves the claim to go stale; after ``CLAIM_TIMEOUT`` another worker retries.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from accounts.models import User, email_is_placeholder
from accounts.selectors import managed_person_proxies
from notifications.channels import ChannelError, channel_names, get_channel
from notifications.models import Delivery, Notification, Preference, new_unsubscribe_key
from notifications.sms import sms_compose

logger = logging.getLogger("pomoc.notifications")

CLAIM_TIMEOUT = dt.timedelta(minutes=10)

# The yes and no a reply to an SMS question is asked to start with, per language; replies are
# understood in every language (matching/sms_replies.py).
SMS_REPLY_WORDS = {"cs": ("ANO", "NE"), "uk": ("ТАК", "НІ"), "en": ("YES", "NO")}


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8... minutes after each failed attempt, at most six hours apart."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def absolute_url(path: str) -> str:
    if path.startswith(("http://", "https://")) or not path:
        return path
    return settings.POMOC_BASE_URL.rstrip("/") + path


def unsubscribe_token(user: User) -> str:
    """The user's random unsubscribe key: it names nobody, and revoking replaces it."""
    return preference_for(user).unsubscribe_key


def unsubscribe_url(user: User) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[unsubscribe_token(user)]))


def preference_for(user: User) -> Preference:
    preference, _created = Preference.objects.get_or_create(
        user=user, defaults={"channels": list(settings.POMOC_NOTIFICATION_DEFAULT_CHANNELS)}
    )
    return preference


@transaction.atomic
def preference_update(*, user: User, channels: list[str], mode: str) -> Preference:
    preference = preference_for(user)
    preference.channels = [name for name in channel_names() if name in set(channels)]
    preference.mode = mode
    preference.full_clean()
    preference.save()
    return preference


@transaction.atomic
def unsubscribe(*, token: str) -> User | None:
    """Turn email off for the user whose key the token is; None for an unknown, revoked or
    old-format (signed user id) token."""
    preference = (
        Preference.objects.select_for_update()
        .select_related("user")
        .filter(unsubscribe_key=token)
        .first()
    )
    if preference is None:
        return None
    preference.channels = [name for name in preference.channels if name != "email"]
    preference.save(update_fields=["channels", "updated_at"])
    return preference.user


@transaction.atomic
def unsubscribe_links_revoke(*, user: User) -> Preference:
    """A new unsubscribe key: every unsubscribe link sent to the user so far stops working
    (for example after a mailbox was shared or a link was forwarded)."""
    preference = preference_for(user)
    preference.unsubscribe_key = new_unsubscribe_key()
    preference.save(update_fields=["unsubscribe_key", "updated_at"])
    return preference


def _render(kind: str, context: dict) -> tuple[str, str, str]:
    base = f"notifications/kinds/{kind}"
    subject = " ".join(render_to_string(f"{base}/subject.txt", context).split())
    text = render_to_string(f"{base}/body.txt", context)
    html = render_to_string(f"{base}/body.html", context)
    return subject, text, html


def _render_sms(kind: str, context: dict, *, subject: str, language: str) -> str:
    """The SMS version: the kind's ``sms.txt`` or else the subject, then how to answer by SMS
    when the message carries a ``reply_code`` (never shortened), then the link; fitted to one
    SMS where it can be."""
    try:
        text = render_to_string(f"notifications/kinds/{kind}/sms.txt", context)
    except TemplateDoesNotExist:
        text = subject
    keep = ""
    if context.get("reply_code"):
        yes, no = SMS_REPLY_WORDS.get(language, SMS_REPLY_WORDS["en"])
        code = context["reply_code"]
        keep = _("Reply %(yes)s or %(no)s.") % {"yes": f"{yes} {code}", "no": f"{no} {code}"}
    return sms_compose(
        text,
        keep=keep,
        link=context.get("action_url", ""),
        language=language,
    )[:480]


def notify(
    *,
    recipient: User,
    kind: str,
    dedupe_key: str,
    context: dict | None = None,
    action_path: str = "",
    on_behalf_of: User | None = None,
    inbox_only: bool = False,
) -> Notification:
    """Write a notification and its deliveries in the caller's transaction; queue the sending
    for after commit. The same (recipient, dedupe_key) notifies once, however often it is called.
    ``inbox_only``: shown on the site and sent by no channel (an alert that mail is failing must
    not itself go by mail).

    A person registered by an operator (no email, perhaps no internet) is also represented by
    the operator and their organisation's staff: each of them gets a copy, marked as being
    for that person (``on_behalf_of``)."""
    if on_behalf_of is None:
        for proxy in managed_person_proxies(user=recipient):
            notify(
                recipient=proxy,
                kind=kind,
                dedupe_key=f"{dedupe_key}:for:{recipient.pk}"[:200],
                context=context,
                action_path=action_path,
                on_behalf_of=recipient,
                inbox_only=inbox_only,
            )
    with transaction.atomic():
        existing = Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
        preference = preference_for(recipient)
        language = recipient.preferred_language or settings.LANGUAGE_CODE
        full_context = {
            **(context or {}),
            "recipient": recipient,
            "action_url": absolute_url(action_path),
            "unsubscribe_url": unsubscribe_url(recipient),
            "inbox_url": absolute_url(reverse("notifications:inbox")),
        }
        if on_behalf_of is not None:
            full_context.pop("reply_code", None)  # a reply code is for the person's own phone
        with translation.override(language):
            subject, text, html = _render(kind, full_context)
            sms = _render_sms(kind, full_context, subject=subject, language=language)
            if on_behalf_of is not None:
                name = on_behalf_of.display_name or on_behalf_of.first_name
                subject = _("For %(name)s: %(subject)s") % {"name": name, "subject": subject}
                note = _("You get this message because you act for %(name)s, who has no email.")
                text = f"{note % {'name': name}}\n\n{text}"
        notification = Notification.objects.create(
            recipient=recipient,
            kind=kind,
            dedupe_key=dedupe_key,
            language=language,
            subject=subject[:255],
            body_text=text,
            body_html=html,
            body_sms=sms,
            action_url=full_context["action_url"],
        )
        digest = preference.mode == Preference.Mode.DAILY
        # A blocked person (inactive account) is sent nothing outside the site.
        channels = preference.channels if recipient.is_active and not inbox_only else []
        if email_is_placeholder(recipient.email):
            channels = [name for name in channels if name != "email"]
        deliveries = [
            Delivery.objects.create(
                notification=notification, channel=name, digest=digest and name == "email"
            )
            for name in channels
            if name in channel_names()
        ]
    for delivery in deliveries:
        if not delivery.digest:
            transaction.on_commit(
                lambda pk=delivery.pk: async_task("notifications.tasks.deliver", pk)
            )
    return notification


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    due = Q(status=Delivery.Status.PENDING) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    stale = Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return bool(
        Delivery.objects.filter(due | stale, pk=delivery_id).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    )


def delivery_send(delivery_id: int) -> str:
    """Send one delivery if it is due and nobody else is sending it; returns its new status."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return "not-claimed"
    delivery = Delivery.objects.select_related("notification__recipient").get(pk=delivery_id)
    notification = delivery.notification
    try:
        get_channel(delivery.channel).send(
            notification,
            message_id=f"<notification-{notification.pk}-{delivery.channel}@pomoc>",
            unsubscribe_url=notification.unsubscribe_url or unsubscribe_url(notification.recipient),
        )
    except ChannelError as error:
        delivery.last_error = str(error)[:2000]
        max_attempts = (
            settings.POMOC_NOTIFICATION_PERMANENT_MAX_ATTEMPTS
            if error.permanent
            else settings.POMOC_NOTIFICATION_MAX_ATTEMPTS
        )
        if delivery.attempts >= max_attempts:
            delivery.status = Delivery.Status.FAILED
            logger.error(
                "delivery %s failed for good after %s attempts: %s",
                delivery.pk,
                delivery.attempts,
                error,
            )
        else:
            delivery.status = Delivery.Status.PENDING
            delivery.next_attempt_at = now + retry_delay(delivery.attempts)
            logger.warning(
                "delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error
            )
    else:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.last_error = ""
    delivery.save(update_fields=["status", "next_attempt_at", "sent_at", "last_error"])
    if delivery.status == Delivery.Status.FAILED:
        coordinators_alert_failed_deliveries(now=now)
    return delivery.status


def coordinators_alert_failed_deliveries(*, now: dt.datetime) -> int:
    """Tell the platform coordinators in their inbox that messages could not be delivered.

    At most one alert per coordinator per hour, whatever the number of failures (a mail server
    that is down fails every delivery at once): the alert counts the failures of the last day
    and links to the list, where a coordinator can retry them. Returns how many were written."""
    from accounts.scopes import platform_coordinators

    hour = timezone.localtime(now).strftime("%Y-%m-%dT%H")
    failed = Delivery.objects.filter(
        status=Delivery.Status.FAILED, claimed_at__gte=now - dt.timedelta(days=1)
    ).count()
    written = 0
    for coordinator in platform_coordinators():
        dedupe_key = f"deliveries-failed:{hour}"
        with transaction.atomic():
            if Notification.objects.filter(recipient=coordinator, dedupe_key=dedupe_key).exists():
                continue
            notify(
                recipient=coordinator,
                kind="deliveries_failed",
                dedupe_key=dedupe_key,
                context={"failed_count": failed},
                action_path=reverse("admin:notifications_delivery_changelist")
                + "?status__exact=failed",
                inbox_only=True,
            )
        written += 1
    return written


def deliveries_send_due() -> int:
    """Send every immediate delivery that is due (first try or retry); returns how many sent."""
    now = timezone.now()
    due_ids = Delivery.objects.filter(
        Q(status=Delivery.Status.PENDING, digest=False)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    ).values_list("pk", flat=True)
    return sum(delivery_send(pk) == Delivery.Status.SENT for pk in list(due_ids))


def digests_send(*, today: dt.date | None = None) -> int:
    """One email a day per daily-mode user, listing what arrived; returns how many digests."""
    today = today or timezone.localdate()
    pending = Delivery.objects.filter(status=Delivery.Status.PENDING, digest=True)
    recipients = User.objects.filter(notifications__deliveries__in=pending).distinct()
    sent = 0
    for recipient in recipients:
        with transaction.atomic():
            items = list(
                pending.filter(notification__recipient=recipient)
                .select_for_update(skip_locked=True)
                .select_related("notification")
            )
            if not items:
                continue
            digest = notify(
                recipient=recipient,
                kind="digest",
                dedupe_key=f"digest:{today.isoformat()}:{items[-1].pk}",
                context={"notifications": [item.notification for item in items]},
                action_path=reverse("notifications:inbox"),
            )
            Delivery.objects.filter(pk__in=[item.pk for item in items]).update(
                status=Delivery.Status.SENT,
                sent_at=timezone.now(),
                last_error=f"in digest {digest.pk}",
            )
            # The digest itself is an immediate email, whatever the user's mode.
            digest.deliveries.filter(channel="email").update(digest=False)
        sent += 1
    return sent


def notification_mark_read(*, user: User, notification_id: int) -> bool:
    return bool(
        Notification.objects.filter(pk=notification_id, recipient=user, read_at=None).update(
            read_at=timezone.now()
        )
    )


def notifications_mark_all_read(*, user: User) -> int:
    """Mark every unread message of the user read; returns how many were unread."""
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())
