"""``/api/v1/exports/{dataset}/{format}/``: the same files as the web export buttons."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from exports.forms import ExportFilterForm
from exports.models import Dataset, ExportFormat
from exports.services import CONTENT_TYPES, export_build
from exports.views import file_response


class FileOrJsonNegotiation(BaseContentNegotiation):
    """The answer is a file, or JSON for an error, whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ExportQuerySerializer(serializers.Serializer):
    status = serializers.CharField(required=False, help_text=_("A post's or a match's status."))
    category = serializers.CharField(
        required=False, help_text=_("A category slug (or id); includes its subcategories.")
    )
    region = serializers.CharField(required=False)
    date_from = serializers.DateField(
        required=False, help_text=_("Created (proposed) on or after.")
    )
    date_to = serializers.DateField(required=False, help_text=_("Created (proposed) on or before."))
    organisation = serializers.IntegerField(
        required=False, help_text=_("Export this organisation's own rows (its approved staff).")
    )


class ExportView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileOrJsonNegotiation

    @extend_schema(
        summary="Export offers, needs or matches in my scope (or my organisation's) as a file",
        parameters=[
            OpenApiParameter("dataset", str, OpenApiParameter.PATH, enum=Dataset.values),
            OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=ExportFormat.values),
            ExportQuerySerializer,
        ],
        responses={
            (200, CONTENT_TYPES[ExportFormat.CSV].split(";")[0]): OpenApiTypes.BINARY,
            (200, CONTENT_TYPES[ExportFormat.XLSX]): OpenApiTypes.BINARY,
            400: inline_serializer(
                "ExportError",
                {"detail": serializers.CharField(required=False)},
            ),
        },
    )
    def get(self, request: Request, dataset: str, fmt: str) -> HttpResponse:
        if dataset not in Dataset.values or fmt not in ExportFormat.values:
            raise Http404
        form = ExportFilterForm(request.query_params, dataset=dataset)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        export = export_build(
            user=request.user,
            dataset=dataset,
            fmt=fmt,
            filters=form.filters(),
            organisation=form.cleaned_data["organisation"],
        )
        return file_response(export)
