"""SMS through an HTTP gateway, configured by settings (``POMOC_SMS_GATEWAY_*``).

Two kinds of gateway:

- ``json``: a generic JSON webhook. ``POST POMOC_SMS_GATEWAY_URL`` with
  ``{"to": "+420…", "text": "…", "id": "<message id>"}`` and ``Authorization: Bearer <token>``;
  any 2xx answer means accepted.
- ``rapidpro``: the broadcasts endpoint of RapidPro or TextIt
  (``POMOC_SMS_GATEWAY_URL`` = ``https://…/api/v2/broadcasts.json``) with
  ``{"urns": ["tel:+420…"], "text": "…"}`` and ``Authorization: Token <token>``.

A refused request (4xx, 5xx), a timeout or a network error raises ``ChannelError``: the outbox
keeps the delivery pending and retries it like an email (1, 2, 4… minutes apart).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from notifications.channels import ChannelError
from notifications.models import Notification
from notifications.sms import sms_compose


def sms_text(notification: Notification) -> str:
    """The message's SMS version, or its subject and link when its kind has none."""
    if notification.body_sms:
        return notification.body_sms
    return sms_compose(
        notification.subject, link=notification.action_url, language=notification.language
    )


class SmsChannel:
    name = "sms"

    def send(self, notification: Notification, *, message_id: str, unsubscribe_url: str) -> None:
        phone = str(notification.recipient.phone or "")
        if not phone:
            raise ChannelError("The recipient has no phone number.")
        text = sms_text(notification)
        kind = settings.POMOC_SMS_GATEWAY_KIND
        token = settings.POMOC_SMS_GATEWAY_TOKEN
        if kind == "rapidpro":
            body = {"urns": [f"tel:{phone}"], "text": text}
            authorization = f"Token {token}"
        else:
            body = {"to": phone, "text": text, "id": message_id}
            authorization = f"Bearer {token}"
        request = urllib.request.Request(
            settings.POMOC_SMS_GATEWAY_URL,
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Authorization": authorization},
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.POMOC_SMS_GATEWAY_TIMEOUT):
                pass
        except urllib.error.HTTPError as error:
            raise ChannelError(f"The SMS gateway answered {error.code}.") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise ChannelError(f"The SMS gateway could not be reached: {error}") from error
