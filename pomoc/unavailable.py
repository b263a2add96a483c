"""A database that cannot be reached (restarting, failing over, out of connections) answers 503
with ``Retry-After``: a short page in the visitor's language, or JSON under /api/. Never a 500
or a stack trace. (A service's writes are atomic: one cut short by the outage is rolled back.)

Two ways in, because Django turns an exception into a response where it is raised:

- ``DatabaseUnavailableMiddleware.process_exception``: views, DRF views included (DRF hands
  exceptions it does not know back to Django), in any DEBUG mode;
- ``server_error`` (``handler500``): everything else, e.g. the session or the user loaded in a
  middleware, with DEBUG off (DEBUG shows the developer the traceback instead).

Neither touches the database or the session while answering. Connections recover by
themselves: ``CONN_HEALTH_CHECKS`` makes each request check its persistent connection before
use and open a new one once PostgreSQL is back.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client is told to wait: a restart or a failover takes a few.
RETRY_AFTER_SECONDS = 10
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def is_database_unavailable(error: BaseException | None) -> bool:
    return isinstance(error, UNAVAILABLE_ERRORS)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    # The failure may come before LocaleMiddleware (the session is read from the database): take
    # the language from the URL, the cookie or Accept-Language, never from the user's row.
    with translation.override(translation.get_language_from_request(request, check_path=True)):
        return _unavailable_response(request)


def _unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {
                "detail": gettext(
                    "The service is briefly unavailable: the database cannot be reached. "
                    "Try again in a few seconds."
                )
            },
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_unavailable(exception):
            return None
        logger.warning("database unavailable, answered 503: %s %s: %s", request.method,
                       request.path, exception)  # fmt: skip
        return unavailable_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: Django calls it while handling the exception, so ``sys.exc_info`` names
    it; a database that cannot be reached is a 503, anything else Django's own 500."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    return defaults.server_error(request)
