"""A URLconf with a view that breaks, for the error-reporting test's server process."""

from __future__ import annotations

from django.urls import path


def broken_view(request):
    raise RuntimeError("the matcher's cache is gone")


urlpatterns = [path("boom/", broken_view)]
