from __future__ import annotations

from django.contrib import admin

from matching.models import CoordinatorScope, Match, MatchRun, MatchTransition


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    list_display = ("need", "offer", "score", "status", "proposed_at")
    list_filter = ("status",)
    raw_id_fields = ("need", "offer", "run")
    readonly_fields = ("explanation",)


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ("kind", "started_at", "duration_s", "candidates", "proposed", "skipped")
    list_filter = ("kind", "skipped")


@admin.register(MatchTransition)
class MatchTransitionAdmin(admin.ModelAdmin):
    """The audit log: read-only, even for superusers."""

    list_display = ("match", "from_status", "to_status", "actor", "created_at")
    list_filter = ("to_status",)
    raw_id_fields = ("match", "actor")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CoordinatorScope)
class CoordinatorScopeAdmin(admin.ModelAdmin):
    list_display = ("user", "platform", "organisation", "region", "category")
    list_filter = ("platform",)
    raw_id_fields = ("user", "organisation")
