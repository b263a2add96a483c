from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class PostCreateThrottle(SimpleRateThrottle):
    """Creating posts is limited more strictly than reading (scope ``post_create``), per user
    and, for safety, per IP when the request has no user."""

    scope = "post_create"

    def get_cache_key(self, request, view) -> str | None:
        if request.method != "POST" or getattr(view, "action", None) != "create":
            return None  # only creating counts; reads and edits have the general limits
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AuthThrottle(SimpleRateThrottle):
    """Obtaining a token (password guessing) is limited per IP (scope ``auth``)."""

    scope = "auth"

    def get_cache_key(self, request, view) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
