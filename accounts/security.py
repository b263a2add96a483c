"""How django-axes sees a log-in attempt: who is trying (the account) and from where (the
client address), and what a locked-out client is told.

Wired in settings (``AXES_USERNAME_CALLABLE``, ``AXES_CLIENT_IP_CALLABLE``,
``AXES_LOCKOUT_CALLABLE``); the web log-in, the admin and the API token endpoint all go through
``django.contrib.auth.authenticate``, so one count covers the three.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# The field names the three log-in forms use for the address: the API ("email"), allauth's
# form ("login") and the admin's AuthenticationForm ("username").
_IDENTIFIER_FIELDS = ("email", "login", "username")


def login_identifier(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The account an attempt is made against, normalised like the stored email (lower case,
    no surrounding spaces), so ``Victim@X`` and ``victim@x`` count as one account."""
    sources = [credentials or {}]
    if request is not None:
        sources.append(getattr(request, "data", None) or request.POST)
    for source in sources:
        for field in _IDENTIFIER_FIELDS:
            value = source.get(field)
            if isinstance(value, str) and value.strip():
                return value.strip().lower()
    return None


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or with ``POMOC_TRUSTED_PROXIES = n > 0`` the n-th address from the right of
    X-Forwarded-For: the same rule as DRF's ``NUM_PROXIES`` (set from the same number), so the
    throttles and the lockout count the same client. Addresses to the left of the ones our own
    proxies appended are written by the client and never trusted."""
    remote_addr = request.META.get("REMOTE_ADDR")
    proxies = settings.POMOC_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies <= 0 or not forwarded:
        return remote_addr
    addresses = [address.strip() for address in forwarded.split(",")]
    return addresses[-min(proxies, len(addresses))] or remote_addr


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_message() -> str:
    return _(
        "Too many failed log-ins for this account or from this address. "
        "Try again in %(minutes)d minutes, or reset your password."
    ) % {"minutes": cooloff_minutes()}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """429 with the reason: JSON for the API, the log-in page's notice for people."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message()}, status=429)
    else:
        response = render(
            request, "accounts/locked_out.html", {"message": lockout_message()}, status=429
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
