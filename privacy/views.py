from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from privacy.selectors import retention_periods


def privacy_page(request: HttpRequest) -> HttpResponse:
    """What Pomoc stores, who sees it, for how long and how to exercise each right. The periods
    come from the settings the retention rules read, so the page cannot promise otherwise."""
    return render(
        request,
        "privacy/privacy.html",
        {
            "periods": retention_periods(),
            "dpo_email": settings.POMOC_DPO_EMAIL,
        },
    )
