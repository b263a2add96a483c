from __future__ import annotations

from django.urls import path

from exports import views

urlpatterns = [
    path(
        "coordination/export/<slug:dataset>.<slug:fmt>",
        views.export_download,
        name="export_download",
    ),
]
