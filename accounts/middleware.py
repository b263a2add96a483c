from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class PreferredLanguageMiddleware:
    """Keeps the language cookie in step with a signed-in person's preferred_language, so a
    visit to ``/`` on any device redirects to their language (LocaleMiddleware reads the cookie).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = user.preferred_language
            cookie = settings.LANGUAGE_COOKIE_NAME
            if (
                language
                and request.COOKIES.get(cookie) != language
                and cookie not in response.cookies
            ):
                response.set_cookie(
                    cookie,
                    language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                    secure=settings.LANGUAGE_COOKIE_SECURE,
                )
        return response
