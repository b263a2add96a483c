from __future__ import annotations

from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.utils import has_verified_email
from django.conf import settings
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers

from accounts.security import lockout_message


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=200, trim_whitespace=False, write_only=True)

    def validate(self, attrs: dict) -> dict:
        request = self.context["request"]
        # The request goes to authenticate() so django-axes counts the failure against this
        # account and this client and refuses a locked-out one (it marks the request).
        user = authenticate(request, email=attrs["email"].lower(), password=attrs["password"])
        if getattr(request, "axes_locked_out", False):
            raise exceptions.Throttled(
                wait=settings.AXES_COOLOFF_TIME.total_seconds(), detail=lockout_message()
            )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"password": _("The email address or the password is wrong.")}
            )
        if settings.ACCOUNT_EMAIL_VERIFICATION == EmailVerificationMethod.MANDATORY and (
            not has_verified_email(user)
        ):
            raise serializers.ValidationError(
                {"email": _("Confirm your email address first: follow the link we sent you.")}
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as the header “Authorization: Token …”."))
    expires_at = serializers.DateTimeField(
        help_text=_("After this time the token is refused; ask for a new one.")
    )
