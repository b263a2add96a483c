from __future__ import annotations

from django.contrib import admin

from accounts.scopes import user_is_platform_coordinator
from exports.models import ExportLog


@admin.register(ExportLog)
class ExportLogAdmin(admin.ModelAdmin):
    """Read by the platform's coordinators; nobody edits the log."""

    list_display = ("created_at", "user", "dataset", "format", "organisation", "row_count")
    list_filter = ("dataset", "format")
    readonly_fields = (
        "created_at",
        "user",
        "dataset",
        "format",
        "organisation",
        "filters",
        "row_count",
        "rows_with_contacts",
    )

    def has_view_permission(self, request, obj=None) -> bool:
        return user_is_platform_coordinator(user=request.user)

    def has_module_permission(self, request) -> bool:
        return user_is_platform_coordinator(user=request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
