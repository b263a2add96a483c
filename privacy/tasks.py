"""django-q2 task: thin, safe to run twice (a second run finds nothing due)."""

from __future__ import annotations

from privacy.services import retention_apply


def retention_run() -> dict[str, int]:
    return {result.rule: result.count for result in retention_apply()}
