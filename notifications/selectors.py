from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from notifications.models import Notification, Preference


def notification_inbox(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).only(
        "id", "kind", "subject", "body_text", "action_url", "created_at", "read_at"
    )


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()


def unsubscribe_key_exists(*, token: str) -> bool:
    return Preference.objects.filter(unsubscribe_key=token).exists()
