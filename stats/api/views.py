from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from stats.selectors import public_stats


class PublicStatsView(APIView):
    """The public statistics page as JSON: counts by category, region and week, match
    outcomes and time from need to connection. Counts of 1–4 are the string ``"<5"``; every
    other count and total is rounded to a multiple of 5 (see ``rule``)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, operation_id="stats_public")
    def get(self, request: Request) -> Response:
        return Response(public_stats())
