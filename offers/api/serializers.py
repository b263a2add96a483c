from __future__ import annotations

from rest_framework import serializers

from offers.models import Offer
from posts.api.serializers import (
    POST_READ_FIELDS,
    PostCreateMixin,
    PostGeoSerializer,
    PostReadSerializer,
    PostWriteSerializer,
)


class OfferSerializer(PostReadSerializer):
    class Meta(PostReadSerializer.Meta):
        model = Offer
        fields = [*POST_READ_FIELDS, "capacity"]
        read_only_fields = fields


class OfferGeoSerializer(PostGeoSerializer):
    class Meta(PostGeoSerializer.Meta):
        model = Offer
        fields = [*PostGeoSerializer.Meta.fields, "capacity"]


class OfferUpdateSerializer(PostWriteSerializer):
    capacity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)


class OfferCreateSerializer(PostCreateMixin, OfferUpdateSerializer):
    pass
