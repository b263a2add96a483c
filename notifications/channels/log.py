from __future__ import annotations

import logging

from notifications.models import Notification

logger = logging.getLogger("pomoc.notifications")


class LogChannel:
    """Writes the message to the log: for development, and the model for SMS or messengers."""

    name = "log"

    def send(self, notification: Notification, *, message_id: str, unsubscribe_url: str) -> None:
        logger.info(
            "notification %s to user %s [%s]: %s",
            message_id,
            notification.recipient_id,
            notification.language,
            notification.subject,
        )
