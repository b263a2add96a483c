from __future__ import annotations

from django.contrib import admin

from moderation.models import Report, UserBlock


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reason", "status", "offer", "need", "reporter", "handled_by"]
    list_filter = ["status", "reason"]
    raw_id_fields = ["reporter", "offer", "need", "handled_by"]


@admin.register(UserBlock)
class UserBlockAdmin(admin.ModelAdmin):
    list_display = ["user", "blocked_at", "blocked_by", "reason"]
    raw_id_fields = ["user", "blocked_by"]
