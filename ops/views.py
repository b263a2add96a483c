"""Liveness and readiness for load balancers (served by ``ops.middleware``, before any host,
HTTPS or session handling, so a probe by IP address over plain HTTP gets an answer)."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse

from ops.checks import CHECKS, run_checks


def healthz(request: HttpRequest) -> JsonResponse:
    """The process lives and answers; touches no database, so a database outage does not make
    an orchestrator restart every web process."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every check passes, 503 naming the failing ones. ``?checks=database,cache``
    asks for some only (e.g. a web node's balancer need not care about the matcher)."""
    asked = request.GET.get("checks")
    names = (
        [n.strip() for n in asked.split(",") if n.strip()]
        if asked
        else list(settings.POMOC_READY_CHECKS)
    )
    unknown = [name for name in names if name not in CHECKS]
    if unknown:
        return JsonResponse(
            {
                "status": "error",
                "error": f"unknown checks: {', '.join(unknown)}",
                "known": list(CHECKS),
            },
            status=400,
        )
    try:
        results = run_checks(names)
    finally:
        # A probe every few seconds must not keep a connection per web process busy for ever.
        connection.close_if_unusable_or_obsolete()
    failing = [name for name, result in results.items() if not result["ok"]]
    return JsonResponse(
        {"status": "fail" if failing else "ok", "failing": failing, "checks": results},
        status=503 if failing else 200,
    )
