from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Organisation
from accounts.scopes import coordinator_scope, user_can_coordinate
from catalogue import services
from catalogue.api.serializers import (
    FunderSerializer,
    OrganisationDetailSerializer,
    OrganisationProfileSerializer,
    OrganisationSerializer,
    ProjectReviewSerializer,
    ProjectSerializer,
    ProjectSubmissionSerializer,
    ProjectSubmitSerializer,
)
from catalogue.forms import OrganisationFilterForm, ProjectFilterForm
from catalogue.funders import FunderKind
from catalogue.selectors import (
    funder_list,
    organisation_directory,
    organisation_public_get,
    project_list,
    projects_to_review,
    user_can_edit_organisation,
    user_submitting_organisations,
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
    pagination_class = CataloguePagination
    http_method_names = ["get", "post", "head", "options"]

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        if self.action == "review_queue":
            return projects_to_review(scope=coordinator_scope(user=self.request.user))
        if self.action != "list":
            return project_list()
        form = ProjectFilterForm(self.request.query_params)
        if not form.is_valid():
            # A 400 naming each bad parameter, never a silently unfiltered list.
            raise serializers.ValidationError(form.errors)
        return project_list(**form.selector_kwargs())

    @extend_schema(
        summary="Submit a project (approved staff of the organisation); it waits for review",
        request=ProjectSubmitSerializer,
        responses={201: ProjectSubmissionSerializer},
    )
    def create(self, request: Request) -> Response:
        # Who may not submit at all hears so before any validation of the body.
        if not user_submitting_organisations(user=request.user).exists():
            raise PermissionDenied(_("Only approved staff of an organisation submit projects."))
        serializer = ProjectSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        project = services.project_submit(user=request.user, **serializer.validated_data)
        return Response(ProjectSubmissionSerializer(project).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Submissions waiting for review in my scope (coordinators)",
        responses=ProjectSubmissionSerializer(many=True),
    )
    @action(detail=False, methods=["get"], url_path="review")
    def review_queue(self, request: Request) -> Response:
        if not user_can_coordinate(user=request.user):
            raise PermissionDenied(_("Only coordinators review submitted projects."))
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ProjectSubmissionSerializer(page, many=True).data)

    @extend_schema(
        summary="Approve or reject a submitted project (its coordinators)",
        request=ProjectReviewSerializer,
        responses=ProjectSubmissionSerializer,
    )
    @action(detail=True, methods=["post"], url_path="review")
    def review(self, request: Request, pk: str | None = None) -> Response:
        serializer = ProjectReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            project_id = int(pk or "")
        except ValueError as error:
            raise Http404 from error
        project = services.project_review(
            user=request.user,
            project_id=project_id,
            approve=serializer.validated_data["decision"] == "approve",
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(ProjectSubmissionSerializer(project).data)


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

    @extend_schema(
        summary="Change the organisation's profile and published contacts (its admins)",
        request=OrganisationProfileSerializer,
        responses=OrganisationProfileSerializer,
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path="profile",
        permission_classes=[IsAuthenticated],
    )
    def profile(self, request: Request, pk: str | None = None) -> Response:
        organisation = get_object_or_404(Organisation, pk=pk) if str(pk).isdigit() else None
        if organisation is None:
            raise Http404
        if not user_can_edit_organisation(user=request.user, organisation=organisation):
            raise PermissionDenied(_("Only the organisation's admins may change its profile."))
        serializer = OrganisationProfileSerializer(organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organisation = services.organisation_profile_update(
            user=request.user, organisation=organisation, **serializer.validated_data
        )
        return Response(OrganisationProfileSerializer(organisation).data)

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except ValueError as error:
            raise Http404 from error
        organisation = organisation_public_get(pk=pk)
        if organisation is None:
            raise Http404
        return organisation
