from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from needs.selectors import need_list_owned, need_list_visible
from offers.selectors import offer_list_owned, offer_list_visible
from posts.selectors import category_list


def home(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    return render(
        request,
        "home.html",
        {
            "offer_count": offer_list_visible(user=user).count(),
            "need_count": need_list_visible(user=user).count(),
            "categories": category_list().filter(parent__isnull=True),
        },
    )


@login_required
def my_posts(request: HttpRequest) -> HttpResponse:
    """A person's own offers and needs in every status, with the buttons to change them."""
    return render(
        request,
        "my_posts.html",
        {
            "offers": offer_list_owned(user=request.user).order_by("-created_at"),
            "needs": need_list_owned(user=request.user).order_by("-created_at"),
            # Posts ending by then may be kept for another period (posts/freshness.py).
            "renew_horizon": timezone.localdate()
            + dt.timedelta(days=settings.POMOC_POST_REMINDER_DAYS),
        },
    )


# Crawlers may index the public lists and posts, not the pages of people's accounts, the
# coordinators' queues or the API (every language prefix alike).
ROBOTS_TXT = """User-agent: *
Disallow: /admin/
Disallow: /api/
Disallow: /*/accounts/
Disallow: /*/my/
Disallow: /*/matches/
Disallow: /*/coordinate/
Disallow: /*/coordination/
Disallow: /*/notifications/
"""


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """No database, no template: also the load test's trivial view (bench/load)."""
    return HttpResponse(ROBOTS_TXT, content_type="text/plain; charset=utf-8")
