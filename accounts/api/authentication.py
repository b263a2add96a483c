from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from accounts.selectors import api_token_is_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than ``POMOC_API_TOKEN_LIFETIME``: a
    token copied from a lost phone or a log stops working by itself. The client then asks
    /api/v1/auth/token/ again, which replaces the expired token."""

    def authenticate_credentials(self, key: str):
        user, token = super().authenticate_credentials(key)
        if api_token_is_expired(token=token):
            raise AuthenticationFailed(
                _("The token has expired. Obtain a new one with your email and password.")
            )
        return user, token
