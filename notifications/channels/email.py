from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from notifications.channels import ChannelError
from notifications.models import Notification


class EmailChannel:
    """Email through Django's configured mail backend (SMTP in production)."""

    name = "email"

    def send(self, notification: Notification, *, message_id: str, unsubscribe_url: str) -> None:
        address = notification.recipient.email if notification.recipient else notification.email
        if not address:
            raise ChannelError("The recipient has no email address.")
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={
                # A stable Message-ID lets mail systems drop a copy if a retry ever resends.
                "Message-ID": message_id,
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Content-Language": notification.language,
            },
            connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        try:
            message.send(fail_silently=False)
        except (TimeoutError, smtplib.SMTPException, OSError) as error:
            raise ChannelError(
                f"{type(error).__name__}: {error}", permanent=smtp_refused_for_good(error)
            ) from error


def smtp_refused_for_good(error: BaseException) -> bool:
    """A 5xx reply is permanent (RFC 5321 4.2.1); 4xx replies, timeouts and refused connections
    are transient. With several recipients refused, only if every one was refused for good."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False
