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
            raise ChannelError(f"{type(error).__name__}: {error}") from error
