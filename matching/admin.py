"""Matches in the admin are read-only: every change of status goes through the lifecycle
services (matching/lifecycle.py), which check the actor's scope, log the transition and tell both
sides. A status set here would show contacts that neither side agreed to share."""

from __future__ import annotations

from django.contrib import admin

from matching.models import Match, MatchFollowUp, MatchRun, MatchTransition


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ("need", "offer", "score", "status", "requested_by", "proposed_at")
    list_filter = ("status", "requested_by")
    raw_id_fields = ("need", "offer", "run", "requester")


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("kind", "started_at", "duration_s", "candidates", "proposed", "skipped")
    list_filter = ("kind", "skipped")


@admin.register(MatchTransition)
class MatchTransitionAdmin(ReadOnlyAdmin):
    """The audit log: read-only, even for superusers."""

    list_display = ("match", "from_status", "to_status", "actor", "created_at")
    list_filter = ("to_status",)
    raw_id_fields = ("match", "actor")


@admin.register(MatchFollowUp)
class MatchFollowUpAdmin(ReadOnlyAdmin):
    """Each side's answer to "How did it go?" (matching/follow_up.py): read-only, as people
    gave them."""

    list_display = ("match", "side", "round", "answer", "sent_at", "answered_at")
    list_filter = ("answer", "side", "round")
    raw_id_fields = ("match", "recipient")
