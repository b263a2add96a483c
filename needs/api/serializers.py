from __future__ import annotations

from rest_framework import serializers

from needs.models import Need, Urgency
from posts.api.serializers import (
    POST_READ_FIELDS,
    PostCreateMixin,
    PostGeoSerializer,
    PostReadSerializer,
    PostWriteSerializer,
)


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
    pass
