"""Writes of the newsletter: double opt-in, leaving, and sending an issue through the outbox.

Sending reuses ``notifications``' outbox: every subscriber gets a ``Notification`` (no account:
``recipient`` is empty, ``email`` set) with one email ``Delivery``. Batches are the deliveries'
``next_attempt_at``: the first ``POMOC_NEWSLETTER_BATCH_SIZE`` are due at once, the next a
``POMOC_NEWSLETTER_BATCH_INTERVAL_SECONDS`` later, and so on, so the outbox's every-minute
schedule sends one batch at a time, with its claims (never twice) and retries (a mail server
that is down loses nothing).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from accounts.models import User
from accounts.scopes import user_is_platform_coordinator
from newsletter.models import FALLBACK_LANGUAGE, LANGUAGES, Issue, Subscriber
from notifications.models import Delivery, Notification
from notifications.services import absolute_url

logger = logging.getLogger("pomoc.newsletter")

CONFIRM_SALT = "newsletter.confirm"
# A pending address gets another confirmation email at most this often, however often
# someone types it in (nobody can flood a stranger's inbox through the form).
RESEND_AFTER = dt.timedelta(minutes=10)


class RateLimited(Exception):
    """Too many subscription requests from one client address."""


class LinkInvalid(Exception):
    """A confirmation link that was forged, altered, or belongs to nothing any more."""


class LinkExpired(LinkInvalid):
    """A genuine confirmation link older than ``POMOC_NEWSLETTER_CONFIRM_HOURS``."""


def confirm_max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.POMOC_NEWSLETTER_CONFIRM_HOURS)


def confirmation_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(subscriber.key)


def confirmation_url(subscriber: Subscriber) -> str:
    with translation.override(subscriber.language):
        path = reverse("newsletter:confirm", args=[confirmation_token(subscriber)])
    return absolute_url(path)


def unsubscribe_url(subscriber: Subscriber) -> str:
    with translation.override(subscriber.language):
        path = reverse("newsletter:unsubscribe", args=[subscriber.key])
    return absolute_url(path)


def _rate_limit(client: str | None) -> None:
    """A fixed window per client address in the cache (like allauth's limits)."""
    window = int(timezone.now().timestamp()) // 3600
    key = f"newsletter:subscribe:{client or 'unknown'}:{window}"
    cache.add(key, 0, 3600)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 3600)
        count = 1
    if count > settings.POMOC_NEWSLETTER_RATE_LIMIT:
        raise RateLimited


def _send_confirmation(subscriber: Subscriber) -> None:
    """The confirmation email, through the outbox (retried if the mail server is down)."""
    context = {
        "confirm_url": confirmation_url(subscriber),
        "hours": settings.POMOC_NEWSLETTER_CONFIRM_HOURS,
    }
    with translation.override(subscriber.language):
        subject = " ".join(
            render_to_string("newsletter/email/confirm_subject.txt", context).split()
        )
        text = render_to_string("newsletter/email/confirm_body.txt", context)
    notification = Notification.objects.create(
        recipient=None,
        email=subscriber.email,
        kind="newsletter_confirm",
        dedupe_key=f"newsletter-confirm:{subscriber.key}:{subscriber.requested_at.isoformat()}",
        language=subscriber.language,
        subject=subject[:255],
        body_text=text,
        action_url=context["confirm_url"],
        # One click cancels the request (never confirms it, as a one-click POST could).
        unsubscribe_url=unsubscribe_url(subscriber),
    )
    delivery = Delivery.objects.create(notification=notification, channel="email")
    transaction.on_commit(lambda: async_task("notifications.tasks.deliver", delivery.pk))


@transaction.atomic
def subscription_request(*, email: str, language: str, client: str | None = None) -> None:
    """Ask for a subscription; the caller answers the same whatever happened here, so the
    form never tells whether an address is subscribed.

    Steps: count the request against the client's hourly limit (``RateLimited``); a new
    address becomes a pending subscriber with a confirmation email; a pending one gets the
    email again (its language updated) unless one went out in the last ``RESEND_AFTER``; a
    confirmed one is left alone (no email, nothing changes).
    """
    _rate_limit(client)
    if language not in LANGUAGES:
        raise ValidationError({"language": [_("Choose one of the offered languages.")]})
    email = email.strip().lower()
    now = timezone.now()
    subscriber = Subscriber.objects.select_for_update().filter(email__iexact=email).first()
    if subscriber is None:
        subscriber = Subscriber(email=email, language=language, requested_at=now)
        subscriber.full_clean()
        subscriber.save()
    elif (
        subscriber.status == Subscriber.Status.CONFIRMED
        or now - subscriber.requested_at < RESEND_AFTER
    ):
        # Already subscribed, or a confirmation went out moments ago: nothing to send.
        return
    else:
        subscriber.language, subscriber.requested_at = language, now
        subscriber.save(update_fields=["language", "requested_at"])
    _send_confirmation(subscriber)


def _subscriber_from_token(token: str) -> Subscriber:
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        key = signer.unsign(token, max_age=confirm_max_age())
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    subscriber = Subscriber.objects.filter(key=key).first()
    if subscriber is None:
        # Expired and purged, or left since: the same answer as a link too old.
        raise LinkExpired
    return subscriber


def subscription_check(*, token: str) -> Subscriber:
    """The subscriber a confirmation link names; ``LinkInvalid``/``LinkExpired`` otherwise."""
    return _subscriber_from_token(token)


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscriber:
    """Confirm the subscription a valid, unexpired link names (idempotent)."""
    subscriber = _subscriber_from_token(token)
    subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
    if subscriber.status != Subscriber.Status.CONFIRMED:
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.save(update_fields=["status", "confirmed_at"])
    return subscriber


def _forget_address(email: str) -> None:
    """Delete the newsletter messages to an address that left (with their waiting
    deliveries), so Pomoc keeps no trace of it; one a worker is sending right now stays."""
    Notification.objects.filter(recipient__isnull=True, email__iexact=email).exclude(
        deliveries__status=Delivery.Status.SENDING
    ).delete()


@transaction.atomic
def subscription_cancel(*, key: str) -> bool:
    """Leave: delete the subscriber whose key it is, the newsletter emails still waiting for
    them and those already sent. False for a key that names nobody (never issued, or used)."""
    subscriber = Subscriber.objects.select_for_update().filter(key=key).first()
    if subscriber is None:
        return False
    _forget_address(subscriber.email)
    subscriber.delete()
    return True


def subscribers_purge_unconfirmed(*, now: dt.datetime | None = None) -> int:
    """Delete subscriptions nobody confirmed in time; returns how many."""
    now = now or timezone.now()
    expired = Subscriber.objects.filter(
        status=Subscriber.Status.PENDING, requested_at__lt=now - confirm_max_age()
    )
    count = 0
    for subscriber in expired:
        with transaction.atomic():
            _forget_address(subscriber.email)
            subscriber.delete()
        count += 1
    return count


def _require_platform(user: User) -> None:
    if not user_is_platform_coordinator(user=user):
        raise PermissionDenied(_("Only platform coordinators write and send the newsletter."))


def _validate_texts(fields: dict[str, str]) -> None:
    errors: dict[str, list[str]] = {}
    for language in LANGUAGES:
        subject = fields.get(f"subject_{language}", "").strip()
        body = fields.get(f"body_{language}", "").strip()
        if language == FALLBACK_LANGUAGE:
            if not subject:
                errors[f"subject_{language}"] = [_("The English subject is required.")]
            if not body:
                errors[f"body_{language}"] = [_("The English text is required.")]
        elif bool(subject) != bool(body):
            missing = f"body_{language}" if subject else f"subject_{language}"
            errors[missing] = [_("Write both the subject and the text, or neither.")]
    if errors:
        raise ValidationError(errors)


ISSUE_FIELDS = [f"{part}_{language}" for language in LANGUAGES for part in ("subject", "body")]


@transaction.atomic
def issue_save(*, user: User, issue: Issue | None = None, **fields: str) -> Issue:
    """Create or change a draft issue."""
    _require_platform(user)
    _validate_texts(fields)
    if issue is None:
        issue = Issue(created_by=user)
    elif issue.status != Issue.Status.DRAFT:
        raise ValidationError(_("A sent issue cannot be changed."))
    for name in ISSUE_FIELDS:
        setattr(issue, name, fields.get(name, "").strip())
    issue.full_clean()
    issue.save()
    return issue


def _render_issue(issue: Issue, subscriber: Subscriber) -> tuple[str, str, str, str]:
    subject, body = issue.text_in(subscriber.language)
    written = getattr(issue, f"body_{subscriber.language}", "")
    language = subscriber.language if written else FALLBACK_LANGUAGE
    context = {
        "subject": subject,
        "body": body,
        "unsubscribe_url": unsubscribe_url(subscriber),
        "archive_url": absolute_url(reverse("newsletter:archive_detail", args=[issue.pk])),
    }
    with translation.override(language):
        text = render_to_string("newsletter/email/issue_body.txt", context)
        html = render_to_string("newsletter/email/issue_body.html", context)
    return subject, text, html, context["unsubscribe_url"]


@transaction.atomic
def issue_send(*, user: User, issue_id: int, now: dt.datetime | None = None) -> Issue:
    """Hand a draft issue to the outbox for every confirmed subscriber, in batches.

    Steps: lock the issue (two clicks send once: the second finds it sent and is refused);
    write one notification and one email delivery per confirmed subscriber, in their
    language (English where the issue has no text in it); give the n-th batch of
    ``POMOC_NEWSLETTER_BATCH_SIZE`` deliveries ``next_attempt_at = now + n × interval``; mark
    the issue sent; after commit, ask the outbox to send what is due (the first batch).
    """
    _require_platform(user)
    now = now or timezone.now()
    issue = Issue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None:
        raise ValidationError(_("No such issue."))
    if issue.status != Issue.Status.DRAFT:
        raise ValidationError(_("This issue has already been sent."))
    batch_size = max(settings.POMOC_NEWSLETTER_BATCH_SIZE, 1)
    interval = dt.timedelta(seconds=settings.POMOC_NEWSLETTER_BATCH_INTERVAL_SECONDS)
    subscribers = Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED).order_by("pk")
    count = 0
    for start in range(0, subscribers.count(), batch_size):
        chunk = list(subscribers[start : start + batch_size])
        notifications = []
        for subscriber in chunk:
            subject, text, html, unsubscribe = _render_issue(issue, subscriber)
            notifications.append(
                Notification(
                    recipient=None,
                    email=subscriber.email,
                    kind="newsletter",
                    dedupe_key=f"newsletter:{issue.pk}",
                    language=subscriber.language,
                    subject=subject[:255],
                    body_text=text,
                    body_html=html,
                    unsubscribe_url=unsubscribe,
                )
            )
        created = Notification.objects.bulk_create(notifications)
        due = now + interval * (start // batch_size)
        Delivery.objects.bulk_create(
            [
                Delivery(notification=notification, channel="email", next_attempt_at=due)
                for notification in created
            ]
        )
        count += len(created)
    issue.status, issue.sent_at, issue.recipients = Issue.Status.SENT, now, count
    issue.save(update_fields=["status", "sent_at", "recipients"])
    logger.info("newsletter issue %s queued for %s subscribers", issue.pk, count)
    transaction.on_commit(lambda: async_task("notifications.tasks.send_due"))
    return issue
