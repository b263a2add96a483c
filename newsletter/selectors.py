from __future__ import annotations

from django.db.models import QuerySet

from newsletter.models import Issue


def issue_archive() -> QuerySet[Issue]:
    """Sent issues, newest first: the public archive."""
    return Issue.objects.filter(status=Issue.Status.SENT).order_by("-sent_at", "-pk")


def issue_list_all() -> QuerySet[Issue]:
    """Drafts first, then sent issues: the coordinators' page."""
    return Issue.objects.select_related("created_by").order_by("status", "-created_at")
