from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scopes import user_is_platform_coordinator
from accounts.security import client_ip
from newsletter import selectors, services
from newsletter.api.serializers import (
    IssueDraftSerializer,
    IssueSerializer,
    IssueWriteSerializer,
    SubscriptionSerializer,
)
from newsletter.models import Issue

_DETAIL = inline_serializer("NewsletterDetail", {"detail": serializers.CharField()})


class SubscriptionView(APIView):
    """Ask for the newsletter: a confirmation email goes to the address (double opt-in). The
    answer is the same whether the address was new, pending or already subscribed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=SubscriptionSerializer,
        responses={202: _DETAIL},
        operation_id="newsletter_subscribe",
    )
    def post(self, request: Request) -> Response:
        serializer = SubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.subscription_request(**serializer.validated_data, client=client_ip(request))
        except services.RateLimited:
            return Response(
                {"detail": _("Too many requests from your address. Try again in an hour.")},
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(
            {
                "detail": _(
                    "If the address can receive the newsletter, a confirmation email is on its way."
                )
            },
            status=status.HTTP_202_ACCEPTED,
        )


class IssueViewSet(viewsets.ReadOnlyModelViewSet):
    """The newsletter's archive: sent issues in the request's language (English where an
    issue was not written in it)."""

    serializer_class = IssueSerializer
    permission_classes = [AllowAny]

    def get_queryset(self):
        return selectors.issue_archive()


class IssueDraftViewSet(viewsets.GenericViewSet):
    """Platform coordinators write issues (drafts) and send them to every confirmed
    subscriber, in batches through the outbox. Anyone else gets 403."""

    serializer_class = IssueDraftSerializer
    permission_classes = [IsAuthenticated]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not user_is_platform_coordinator(user=request.user):
            raise PermissionDenied(_("Only platform coordinators write and send the newsletter."))

    def get_queryset(self):
        return selectors.issue_list_all()

    def _issue(self, pk: str | None) -> Issue:
        issue = Issue.objects.filter(pk=int(pk)).first() if str(pk).isdigit() else None
        if issue is None:
            raise NotFound
        return issue

    @extend_schema(summary="Every issue, drafts first", responses=IssueDraftSerializer(many=True))
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        data = IssueDraftSerializer(page if page is not None else self.get_queryset(), many=True)
        return self.get_paginated_response(data.data) if page is not None else Response(data.data)

    @extend_schema(
        summary="Write a draft issue",
        request=IssueWriteSerializer,
        responses={201: IssueDraftSerializer},
    )
    def create(self, request: Request) -> Response:
        serializer = IssueWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issue = services.issue_save(user=request.user, **serializer.validated_data)
        return Response(IssueDraftSerializer(issue).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a draft issue", request=IssueWriteSerializer, responses=IssueDraftSerializer
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        issue = self._issue(pk)
        serializer = IssueWriteSerializer(issue, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = {name: getattr(issue, name) for name in IssueWriteSerializer.Meta.fields}
        fields.update(serializer.validated_data)
        issue = services.issue_save(user=request.user, issue=issue, **fields)
        return Response(IssueDraftSerializer(issue).data)

    @extend_schema(
        summary="Send a draft issue to every confirmed subscriber",
        request=None,
        responses=IssueDraftSerializer,
    )
    @action(detail=True, methods=["post"])
    def send(self, request: Request, pk: str | None = None) -> Response:
        issue = services.issue_send(user=request.user, issue_id=self._issue(pk).pk)
        return Response(IssueDraftSerializer(issue).data)
