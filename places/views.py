from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from places.geocoding import place_resolve


class PlaceCheckView(APIView):
    """What a typed place name resolves to, so the post form can show it (and centre its map)
    before saving. Only facts about a municipality, nothing about any person.

    A DRF view for its throttles only: it asks the same geocoder as the API, so it is limited
    with the API's rates (``anon`` per IP, ``user`` per user) instead of being a free way round
    them. Not part of the API (not in its schema); answers are JSON for the form's script.
    """

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        try:
            place = place_resolve(request.query_params.get("q", ""))
        except ValidationError as error:
            return Response({"error": " ".join(error.messages)}, status=400)
        return Response(
            {
                "name": place.name,
                "region": place.region,
                "latitude": round(place.latitude, 5),
                "longitude": round(place.longitude, 5),
            }
        )

    def handle_exception(self, exc: Exception) -> Any:
        response = super().handle_exception(exc)
        if isinstance(exc, exceptions.Throttled):
            # The form's script shows "error"; Retry-After stays on the response.
            response.data = {"error": _("Too many place look-ups. Please wait a minute.")}
        return response


place_check = PlaceCheckView.as_view()
