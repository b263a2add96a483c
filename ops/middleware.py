"""Answers /healthz and /readyz first in the middleware chain: before SecurityMiddleware's HTTPS
redirect (balancers probe over plain HTTP), before any ALLOWED_HOSTS check (they probe by IP
address), and without sessions, locale or CSRF."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ops import views

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": views.healthz,
    "/healthz/": views.healthz,
    "/readyz": views.readyz,
    "/readyz/": views.readyz,
}


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method in {"GET", "HEAD"}:
            response = probe(request)
            response["Cache-Control"] = "no-store"
            # A failing probe is the answer, not a server error: no ERROR line (and so no
            # Sentry event) every few seconds while, say, the database is down.
            response._has_been_logged = True
            return response
        return self.get_response(request)
