from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.security import client_ip
from newsletter import selectors, services
from newsletter.api.serializers import IssueSerializer, SubscriptionSerializer

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
