from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from places.geocoding import MAX_QUERY_LENGTH


class PlaceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, help_text=_("A typed place name."))
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10, required=False)


class ResolvedPlaceSerializer(serializers.Serializer):
    name = serializers.CharField()
    region = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    source = serializers.CharField(help_text=_("gazetteer or the network geocoder's name"))


class PlaceSuggestionSerializer(serializers.Serializer):
    name = serializers.CharField()
    region = serializers.CharField()
    kind = serializers.CharField()
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()


class PlaceLookupSerializer(serializers.Serializer):
    query = serializers.CharField()
    resolved = ResolvedPlaceSerializer(
        allow_null=True, help_text=_("The place the name means; null when none was found.")
    )
    error = serializers.CharField(
        allow_null=True, help_text=_("Why nothing was resolved, in the request's language.")
    )
    suggestions = PlaceSuggestionSerializer(
        many=True, help_text=_("Places whose name starts with the text, most populous first.")
    )
