from __future__ import annotations

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from places.api.serializers import PlaceLookupSerializer, PlaceQuerySerializer
from places.gazetteer import get_gazetteer
from places.geocoding import place_resolve


class PlaceLookupView(APIView):
    """Look up a typed place name: the place it resolves to and autocomplete suggestions."""

    permission_classes = [AllowAny]

    @extend_schema(
        summary="Resolve a place name and suggest places",
        parameters=[PlaceQuerySerializer],
        responses=PlaceLookupSerializer,
    )
    def get(self, request: Request) -> Response:
        query = PlaceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["q"]
        resolved, error = None, None
        try:
            place = place_resolve(text)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            resolved = {
                "name": place.name,
                "region": place.region,
                "latitude": place.latitude,
                "longitude": place.longitude,
                "source": place.source,
            }
        suggestions = [
            {
                "name": found.name,
                "region": found.region,
                "kind": found.kind,
                "latitude": found.latitude,
                "longitude": found.longitude,
            }
            for found in get_gazetteer().search(text, limit=query.validated_data["limit"])
        ]
        payload = {"query": text, "resolved": resolved, "error": error, "suggestions": suggestions}
        return Response(PlaceLookupSerializer(payload).data)
