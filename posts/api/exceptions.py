"""One place that turns every error into JSON naming the offending field.

Services raise Django's ``ValidationError`` (with a ``message_dict`` keyed by field) and
``PermissionDenied``; DRF knows only its own exceptions and would answer a Django
``ValidationError`` with a 500. Converting here keeps views and serializers free of try/except.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from posts.ratelimit import RateLimitExceeded


def validation_error_detail(error: DjangoValidationError) -> dict[str, list[str]] | list[str]:
    """``{"field": ["message", ...]}`` for field errors, the DRF key for the rest."""
    if hasattr(error, "error_dict"):
        detail: dict[str, list[str]] = {}
        for field, messages in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail.setdefault(key, []).extend(messages)
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(validation_error_detail(exc))
    elif isinstance(exc, RateLimitExceeded):
        # The same posting limit as the web form: 429 with {"detail": …} and Retry-After.
        exc = exceptions.Throttled(wait=exc.retry_after, detail=exc.message)
    return exception_handler(exc, context)
