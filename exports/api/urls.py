from __future__ import annotations

from django.urls import path

from exports.api.views import ExportView

urlpatterns = [path("exports/<str:dataset>/<str:fmt>/", ExportView.as_view(), name="export")]
