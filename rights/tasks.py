"""django-q2 entry points; thin on purpose, the work is in services."""

from __future__ import annotations

from rights import services


def data_export_build(export_id: int) -> str:
    return services.data_export_build(export_id=export_id)


def data_exports_purge() -> int:
    """Delete downloads whose link expired (scheduled hourly by migration 0002)."""
    return services.data_exports_delete(expired_only=True)
