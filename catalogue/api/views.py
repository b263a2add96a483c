from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny

from catalogue.api.serializers import (
    FunderSerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    ProjectSerializer,
)
from catalogue.forms import OrganisationFilterForm, ProjectFilterForm
from catalogue.funders import FunderKind
from catalogue.selectors import (
    funder_list,
    organisation_directory,
    organisation_public_get,
    project_list,
)


class CataloguePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ProjectViewSet(viewsets.ReadOnlyModelViewSet):
    """Integration projects; the same filters as the web list: ``q``, ``funder``,
    ``organisation``, ``topic``, ``status`` (running, finished, upcoming), ``region`` and
    ``sort`` (``-start``, ``start``, ``title``). Only approved projects; organisations
    submit new ones on the web and coordinators review them there."""

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


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """The directory of member (verified) organisations; filter with ``q``, ``kind`` and
    ``region``. ``contacts`` holds only what the organisation chose to publish; the detail
    adds its approved projects and its open needs (those the caller may see)."""

    permission_classes = [AllowAny]
    pagination_class = CataloguePagination

    def get_serializer_class(self):
        return OrganisationDetailSerializer if self.action == "retrieve" else OrganisationSerializer

    def get_queryset(self):
        form = OrganisationFilterForm(self.request.query_params)
        if self.action == "list" and not form.is_valid():
            raise serializers.ValidationError(form.errors)
        if self.action != "list":
            return organisation_directory()
        return organisation_directory(**form.selector_kwargs())

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except ValueError as error:
            raise Http404 from error
        organisation = organisation_public_get(pk=pk)
        if organisation is None:
            raise Http404
        return organisation
