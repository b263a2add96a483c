from __future__ import annotations

from django.contrib import admin

from newsletter.models import Issue, Subscriber


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "language", "status", "requested_at", "confirmed_at"]
    list_filter = ["status", "language"]
    search_fields = ["email"]
    # Subscriptions change only through double opt-in and the unsubscribe link.
    readonly_fields = ["email", "language", "status", "requested_at", "confirmed_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = ["subject_en", "status", "sent_at", "recipients"]
    list_filter = ["status"]
    readonly_fields = ["status", "sent_at", "recipients", "created_by"]
