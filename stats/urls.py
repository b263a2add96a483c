from __future__ import annotations

from django.urls import path

from stats import views

urlpatterns = [
    path("statistics/", views.public_stats_view, name="public_stats"),
]
