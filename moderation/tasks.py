"""django-q2 entry points of moderation (named in schedules by dotted path)."""

from __future__ import annotations


def escalate_concerns() -> int:
    from moderation.services import concerns_escalate

    return concerns_escalate()
