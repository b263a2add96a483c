"""django-q2 entry points; thin on purpose, the work is in services."""

from __future__ import annotations

from newsletter import services


def purge_unconfirmed() -> int:
    return services.subscribers_purge_unconfirmed()
