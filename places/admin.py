from django.contrib import admin

from places.models import GeocodeCache


@admin.register(GeocodeCache)
class GeocodeCacheAdmin(admin.ModelAdmin):
    list_display = ["query", "provider", "found", "display_name", "created_at"]
    list_filter = ["provider", "found"]
    search_fields = ["query", "display_name"]
    readonly_fields = ["created_at"]
