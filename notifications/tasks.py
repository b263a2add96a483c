"""django-q2 entry points; thin on purpose, the work is in services."""

from __future__ import annotations

from notifications import services


def deliver(delivery_id: int) -> str:
    return services.delivery_send(delivery_id)


def send_due() -> int:
    return services.deliveries_send_due()


def send_digests() -> int:
    return services.digests_send()
