from django.contrib import admin
from django.contrib.gis.admin import GISModelAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from posts.models import Category, PostStatus
from posts.services import post_set_status


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "slug",
        "name_cs",
        "name_uk",
        "name_ru",
        "name_pl",
        "name_en",
        "parent",
        "sensitive",
        "lifetime_days",
        "position",
    ]
    list_filter = ["sensitive", "parent"]
    search_fields = ["slug", "name_cs", "name_uk", "name_ru", "name_pl", "name_en"]
    list_editable = ["sensitive", "lifetime_days", "position"]


class PostAdmin(GISModelAdmin):
    """Shared admin for offers and needs, made for a coordinator's daily work."""

    list_display = [
        "title",
        "category",
        "status",
        "place_name",
        "organisation",
        "owner",
        "valid_until",
        "created_at",
    ]
    list_filter = ["status", "category__parent", "category", "region", "remote", "organisation"]
    search_fields = ["title", "description", "place_name", "owner__email", "organisation__name"]
    list_select_related = ["category", "organisation", "owner"]
    autocomplete_fields = ["owner", "organisation"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "updated_at"]
    actions = ["pause", "withdraw"]

    def _set_status(self, request, queryset, status: str) -> None:
        changed, refused = 0, 0
        for post in queryset:
            try:
                post_set_status(post, actor=request.user, status=status)
                changed += 1
            except (ValidationError, PermissionDenied):
                refused += 1
        self.message_user(
            request,
            _("%(changed)d changed, %(refused)d refused.")
            % {"changed": changed, "refused": refused},
        )

    @admin.action(description=_("Pause selected posts"))
    def pause(self, request, queryset):
        self._set_status(request, queryset, PostStatus.PAUSED)

    @admin.action(description=_("Withdraw selected posts"))
    def withdraw(self, request, queryset):
        self._set_status(request, queryset, PostStatus.WITHDRAWN)
