from django.contrib import admin

from needs.models import Need
from posts.admin import PostAdmin


@admin.register(Need)
class NeedAdmin(PostAdmin):
    list_display = [*PostAdmin.list_display, "urgency", "people_count"]
    list_filter = [*PostAdmin.list_filter, "urgency"]
