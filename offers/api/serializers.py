from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offers.models import Offer
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


class CapacityUnitMixin(serializers.Serializer):
    """What the offer's capacity counts (posts/units.py), by name and in the reader's language."""

    capacity_unit = serializers.SerializerMethodField(
        help_text=_("What the capacity counts: beds, seats, items or places.")
    )
    capacity_label = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_capacity_unit(self, offer: Offer) -> str:
        return unit_for(offer.root_category.slug).name

    @extend_schema_field(OpenApiTypes.STR)
    def get_capacity_label(self, offer: Offer) -> str:
        return str(unit_for(offer.root_category.slug).label)


OFFER_FIELDS = ["capacity", "capacity_unit", "capacity_label"]


class OfferSerializer(CapacityUnitMixin, PostReadSerializer):
    class Meta(PostReadSerializer.Meta):
        model = Offer
        fields = [*POST_READ_FIELDS, *OFFER_FIELDS]
        read_only_fields = fields


class OfferGeoSerializer(CapacityUnitMixin, PostGeoSerializer):
    class Meta(PostGeoSerializer.Meta):
        model = Offer
        fields = [*PostGeoSerializer.Meta.fields, *OFFER_FIELDS]


class OfferUpdateSerializer(PostWriteSerializer):
    capacity = serializers.IntegerField(
        min_value=1,
        max_value=100_000,
        required=False,
        help_text=_("In the category's unit: beds, seats, items, or sessions or places."),
    )

    READ_ONLY_ECHO = PostWriteSerializer.READ_ONLY_ECHO | {"capacity_unit", "capacity_label"}


class OfferCreateSerializer(PostCreateMixin, OfferUpdateSerializer):
    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        # Where the capacity counts beds, seats or items, the matcher needs it: no default.
        category = data.get("category")
        root = (category.parent or category).slug if category is not None else None
        unit = unit_for(root)
        if "capacity" not in data and unit.required:
            raise serializers.ValidationError({"capacity": [unit.required_message]})
        return super().validate(data)


class OfferRespondSerializer(PostRespondSerializer):
    """“I need this”: one of the caller's open needs, or a new need."""

    own_field = "need"
    create_serializer_path = "needs.api.serializers.NeedCreateSerializer"

    need = serializers.IntegerField(
        min_value=1, max_value=MAX_PK, required=False, help_text=_("One of your open needs.")
    )
    new_need = serializers.DictField(
        required=False,
        help_text=_(
            "A new need, with the fields of posting one; category, place, languages, radius "
            "and remote default to the offer's."
        ),
    )
