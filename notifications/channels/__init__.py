"""Delivery channels. A channel sends one notification to one recipient, or raises ChannelError.

Add SMS or a messenger by writing a class with ``name`` and ``send`` and listing it in
``settings.POMOC_NOTIFICATION_CHANNELS``.
"""

from __future__ import annotations

from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.models import Notification


class ChannelError(Exception):
    """The channel could not deliver now; the delivery is retried later.

    ``permanent``: the other side refused for good (an SMTP 5xx such as "550 no such mailbox"),
    so the delivery is given up after a few attempts instead of being retried for a week."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    name: str

    def send(
        self, notification: Notification, *, message_id: str, unsubscribe_url: str
    ) -> None: ...


@cache
def get_channel(name: str) -> Channel:
    path = settings.POMOC_NOTIFICATION_CHANNELS[name]
    return import_string(path)()


def channel_names() -> list[str]:
    return list(settings.POMOC_NOTIFICATION_CHANNELS)
