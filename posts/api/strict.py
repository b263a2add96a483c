"""A serializer that refuses fields it does not know, for the API's action bodies.

A typo in a body ("reasn") must be a 400 naming it, not a silently empty reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {str(name): [_("Unknown field.")] for name in unknown}
                )
        return super().to_internal_value(data)
