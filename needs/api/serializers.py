from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from needs.models import Need, Urgency
from posts.api.serializers import (
    POST_READ_FIELDS,
    PostCreateMixin,
    PostGeoSerializer,
    PostReadSerializer,
    PostRespondSerializer,
    PostWriteSerializer,
)
from posts.api.views import MAX_PK
from posts.units import unit_for


class NeedSerializer(PostReadSerializer):
    class Meta(PostReadSerializer.Meta):
        model = Need
        fields = [*POST_READ_FIELDS, "people_count", "urgency"]
        read_only_fields = fields


class NeedGeoSerializer(PostGeoSerializer):
    class Meta(PostGeoSerializer.Meta):
        model = Need
        fields = [*PostGeoSerializer.Meta.fields, "people_count", "urgency"]


class NeedUpdateSerializer(PostWriteSerializer):
    people_count = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)


class NeedCreateSerializer(PostCreateMixin, NeedUpdateSerializer):
    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        # A room or a lift takes one bed or seat per person: the matcher needs the number.
        category = data.get("category")
        root = (category.parent or category).slug if category is not None else None
        message = unit_for(root).people_required_message
        if "people_count" not in data and message is not None:
            raise serializers.ValidationError({"people_count": [message]})
        return super().validate(data)


class NeedRespondSerializer(PostRespondSerializer):
    """“I can help”: one of the caller's open offers, or a new offer."""

    own_field = "offer"
    create_serializer_path = "offers.api.serializers.OfferCreateSerializer"

    offer = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, help_text=_("One of your open offers.")
    )
    new_offer = serializers.DictField(
        required=False,
        help_text=_(
            "A new offer, with the fields of posting one; category, place, languages, radius "
            "and remote default to the need's."
        ),
    )
