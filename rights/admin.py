"""Consents, the access log and erasures are records: visible to staff, changed by nobody."""

from __future__ import annotations

from django.contrib import admin

from rights.models import AccountErasure, Consent, ContactAccess


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = ["user", "purpose", "match", "fields", "given_at"]
    list_filter = ["purpose"]
    exclude = ["values"]  # the contact itself is not the administrators' business


@admin.register(ContactAccess)
class ContactAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "viewer", "subject", "where", "fields", "match"]
    list_filter = ["where"]


@admin.register(AccountErasure)
class AccountErasureAdmin(ReadOnlyAdmin):
    list_display = ["user", "erased_by", "erased_at", "posts_withdrawn", "matches_withdrawn"]
