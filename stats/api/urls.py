from __future__ import annotations

from django.urls import path

from stats.api.views import PublicStatsView

urlpatterns = [path("stats/", PublicStatsView.as_view(), name="api-stats")]
