from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from catalogue.api.serializers import FunderSerializer, ProjectSerializer
from catalogue.forms import ProjectFilterForm
from catalogue.funders import FunderKind
from catalogue.selectors import funder_list, project_list


class CataloguePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Integration projects; the same filters as the web list: ``q``, ``funder``,
    ``organisation``, ``topic``, ``status`` (running, finished, upcoming) and ``sort``
    (``-start``, ``start``, ``title``). Read-only: coordinators edit in the admin."""

    serializer_class = ProjectSerializer
    permission_classes = [AllowAny]
    pagination_class = CataloguePagination

    def get_queryset(self):
        if self.action != "list":
            return project_list()
        form = ProjectFilterForm(self.request.query_params)
        if not form.is_valid():
            # A 400 naming each bad parameter, never a silently unfiltered list.
            raise serializers.ValidationError(form.errors)
        return project_list(**form.selector_kwargs())


class FunderViewSet(viewsets.ReadOnlyModelViewSet):
    """Funders with their number of projects; filter by ``kind``."""

    serializer_class = FunderSerializer
    permission_classes = [AllowAny]
    pagination_class = CataloguePagination

    def get_queryset(self):
        kind = self.request.query_params.get("kind", "")
        if kind and kind not in FunderKind.values:
            raise serializers.ValidationError(
                {
                    "kind": [
                        _("Unknown kind; use one of %(kinds)s.")
                        % {"kinds": ", ".join(FunderKind.values)}
                    ]
                }
            )
        return funder_list(kind=kind)
