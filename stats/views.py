from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from stats.charts import bar_chart
from stats.selectors import SIDES, public_stats


def public_stats_view(request: HttpRequest) -> HttpResponse:
    data = public_stats()
    charts = {
        "category": bar_chart(data["by_category"], label_key="name", sides=SIDES),
        "region": bar_chart(data["by_region"], label_key="region", sides=SIDES),
        "week": bar_chart(data["by_week"], label_key="week", sides=SIDES),
        "outcomes": bar_chart(data["match_outcomes"], label_key="name", sides=("matches",)),
    }
    return render(request, "stats/public_stats.html", {"data": data, "charts": charts})
