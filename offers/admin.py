from django.contrib import admin

from offers.models import Offer
from posts.admin import PostAdmin


@admin.register(Offer)
class OfferAdmin(PostAdmin):
    list_display = [*PostAdmin.list_display, "capacity"]
