from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from notifications.models import Delivery, Notification, Preference


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    readonly_fields = ["channel", "status", "attempts", "next_attempt_at", "sent_at", "last_error"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "kind", "language", "created_at", "read_at"]
    list_filter = ["kind", "language"]
    search_fields = ["subject", "recipient__email", "dedupe_key"]
    list_select_related = ["recipient"]
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["notification", "channel", "status", "attempts", "next_attempt_at", "sent_at"]
    list_filter = ["status", "channel", "digest"]
    search_fields = ["notification__subject", "notification__recipient__email", "last_error"]
    list_select_related = ["notification__recipient"]
    actions = ["retry_now"]

    @admin.action(description=_("Retry selected deliveries now"))
    def retry_now(self, request, queryset):
        queryset.filter(status__in=[Delivery.Status.FAILED, Delivery.Status.PENDING]).update(
            status=Delivery.Status.PENDING, next_attempt_at=None
        )


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "channels", "mode", "updated_at"]
    list_filter = ["mode"]
    search_fields = ["user__email"]
