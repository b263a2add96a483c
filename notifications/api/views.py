"""``/api/v1/notifications/``: the inbox, marking read, and the delivery settings; the same
selectors and services as the inbox page."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from notifications import selectors, services
from notifications.api.serializers import (
    MarkedSerializer,
    NotificationSerializer,
    PreferenceSerializer,
    UnreadCountSerializer,
)
from notifications.channels import channel_names
from notifications.models import Notification
from posts.api.views import MAX_PK


class InboxView(generics.ListAPIView):
    """My messages, newest first; ``unread=true`` for the unread ones only."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Notification.objects.none()
        inbox = selectors.notification_inbox(user=self.request.user)
        unread = self.request.query_params.get("unread", "")
        if unread not in ("", "true", "false"):
            raise serializers.ValidationError({"unread": [_("Use true or false.")]})
        if unread == "true":
            inbox = inbox.filter(read_at=None)
        return inbox.order_by("-created_at", "-pk")


class UnreadCountView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="How many of my messages are unread", responses=UnreadCountSerializer)
    def get(self, request: Request) -> Response:
        count = selectors.notification_unread_count(user=request.user)
        return Response(UnreadCountSerializer({"unread": count}).data)


class MarkReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Mark one of my messages read", request=None, responses=MarkedSerializer)
    def post(self, request: Request, pk: int) -> Response:
        if not 0 < pk <= MAX_PK:
            raise Http404
        inbox = selectors.notification_inbox(user=request.user)
        if not inbox.filter(pk=pk).exists():
            raise Http404  # someone else's message is as unknown as a missing one
        marked = services.notification_mark_read(user=request.user, notification_id=pk)
        return Response(MarkedSerializer({"marked": int(marked)}).data)


class MarkAllReadView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="Mark all my messages read", request=None, responses=MarkedSerializer)
    def post(self, request: Request) -> Response:
        marked = services.notifications_mark_all_read(user=request.user)
        return Response(MarkedSerializer({"marked": marked}).data)


class PreferenceView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(summary="My notification settings", responses=PreferenceSerializer)
    def get(self, request: Request) -> Response:
        preference = services.preference_for(request.user)
        return Response(
            PreferenceSerializer({"channels": preference.channels, "mode": preference.mode}).data
        )

    @extend_schema(
        summary="Change my notification settings (channels, immediate or daily digest)",
        request=PreferenceSerializer,
        responses=PreferenceSerializer,
    )
    def put(self, request: Request) -> Response:
        body = PreferenceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unknown = sorted(set(body.validated_data["channels"]) - set(channel_names()))
        if unknown:
            raise serializers.ValidationError(
                {"channels": [_("Unknown channel: %s") % ", ".join(unknown)]}
            )
        preference = services.preference_update(user=request.user, **body.validated_data)
        return Response(
            PreferenceSerializer({"channels": preference.channels, "mode": preference.mode}).data
        )


class UnsubscribeLinksRevokeView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Invalidate the unsubscribe links in my earlier emails",
        request=None,
        responses={204: None},
    )
    def post(self, request: Request) -> Response:
        services.unsubscribe_links_revoke(user=request.user)
        return Response(status=204)
