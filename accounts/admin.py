"""The admin cannot grant what the site guards: privilege fields (superuser, staff, roles,
groups, permissions, an organisation's verification, coordinator scopes) are for superusers
only, memberships are decided through ``accounts.services.membership_decide`` (scope checked,
person told), and staff cannot change a superuser's account."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import (
    CoordinatorScope,
    ManagedAccount,
    Membership,
    Organisation,
    ProxyAction,
    User,
)
from accounts.services import membership_decide

USER_PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "roles", "groups", "user_permissions")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["status"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_admin")
        return fields


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "display_name",
        "roles",
        "preferred_language",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_active", "is_staff", "preferred_language"]
    search_fields = ["email", "display_name", "phone"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "phone", "roles", "preferred_language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.extend(USER_PRIVILEGE_FIELDS)
        return fields

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The page shows the person's email and phone: a view of their contact, logged where
        # they can see it (issue 11). Only a page actually shown (not a 302 after saving or a
        # refusal) counts.
        if request.method == "GET" and response.status_code == 200:
            subject = self.get_object(request, object_id)
            if subject is not None:
                from rights.models import ContactAccess
                from rights.services import contact_access_record

                contact_access_record(
                    viewer=request.user, subject=subject, where=ContactAccess.Where.ADMIN_USER_PAGE
                )
        return response

    def has_change_permission(self, request, obj=None) -> bool:
        # Changing a superuser's email or password would take the account over.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "verified", "email", "website"]
    list_filter = ["kind", "verified"]
    search_fields = ["name", "email", "website"]
    inlines = [MembershipInline]
    actions = ["mark_verified"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("verified")
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("mark_verified", None)
        return actions

    @admin.action(description=_("Mark selected organisations as verified"))
    def mark_verified(self, request, queryset):
        if not request.user.is_superuser:
            raise PermissionDenied
        queryset.update(verified=True)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "is_admin", "created_at"]
    list_filter = ["status", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["status"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields.append("is_admin")
        return fields

    def _decide(self, request, queryset, *, approve: bool) -> None:
        decided = 0
        for membership in queryset.select_related("user", "organisation"):
            try:
                membership_decide(membership=membership, approve=approve, actor=request.user)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{membership}: {error}", messages.ERROR)
            else:
                decided += 1
        if decided:
            message = ngettext(
                "%(count)d membership decided.", "%(count)d memberships decided.", decided
            )
            self.message_user(request, message % {"count": decided}, messages.SUCCESS)

    @admin.action(description=_("Approve selected memberships"))
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description=_("Reject selected memberships"))
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)


@admin.register(CoordinatorScope)
class CoordinatorScopeAdmin(admin.ModelAdmin):
    """A scope is a grant of power over people's data: superusers only."""

    list_display = ("user", "platform", "organisation", "region", "category")
    list_filter = ("platform",)
    raw_id_fields = ("user", "organisation")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return request.user.is_superuser


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the intake services, which check who may act; the admin shows them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ManagedAccount)
class ManagedAccountAdmin(_ReadOnlyAdmin):
    list_display = ("user", "organisation", "registered_by", "consent_method", "consent_at")
    list_filter = ("organisation",)
    list_select_related = ("user", "organisation", "registered_by")


@admin.register(ProxyAction)
class ProxyActionAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "person", "need", "match")
    list_filter = ("action",)
    list_select_related = ("actor", "person", "need", "match")
