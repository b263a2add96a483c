from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(max_length=200, trim_whitespace=False, write_only=True)

    def validate(self, attrs: dict) -> dict:
        user = authenticate(
            self.context.get("request"), email=attrs["email"].lower(), password=attrs["password"]
        )
        if user is None or not user.is_active:
            raise serializers.ValidationError(
                {"password": _("The email address or the password is wrong.")}
            )
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as the header “Authorization: Token …”."))
