from __future__ import annotations

from django.contrib import admin

from matching.models import Match, MatchRun


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
