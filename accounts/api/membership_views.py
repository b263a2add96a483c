"""``/api/v1/memberships/``: ask to join an organisation, see one's own memberships, and (for
coordinators who look after the organisation and its admins) decide requests. The same form,
selectors and services as "My organisations" and the membership queue."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.membership_serializers import (
    MembershipDecisionSerializer,
    MembershipRequestSerializer,
    MembershipSerializer,
)
from accounts.forms import MembershipRequestForm
from accounts.models import Membership
from accounts.scopes import coordinator_scope
from accounts.selectors import (
    memberships_to_decide_for,
    organisations_administered,
    user_memberships,
)
from accounts.services import membership_decide, membership_request
from posts.api.views import MAX_PK


class MembershipListView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # for the schema; the handlers use the selectors

    @extend_schema(
        summary="My memberships of organisations, whatever their status",
        responses=MembershipSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(user_memberships(user=request.user))
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)

    @extend_schema(
        summary="Ask to join an organisation (its coordinator or admin decides)",
        request=MembershipRequestSerializer,
        responses={201: MembershipSerializer},
    )
    def post(self, request: Request) -> Response:
        body = MembershipRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # The web page's form: a known organisation the person has not asked to join yet.
        form = MembershipRequestForm(body.validated_data, user=request.user)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        membership = membership_request(
            user=request.user, organisation=form.cleaned_data["organisation"]
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MembershipQueueView(generics.GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MembershipSerializer
    queryset = Membership.objects.none()  # for the schema; the handlers use the selectors

    @extend_schema(
        summary="Requests to join the organisations I coordinate or administer",
        responses=MembershipSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = coordinator_scope(user=request.user)
        if scope.is_empty and not organisations_administered(user=request.user):
            raise PermissionDenied
        memberships = memberships_to_decide_for(user=request.user, scope=scope)
        page = self.paginate_queryset(memberships)
        return self.get_paginated_response(MembershipSerializer(page, many=True).data)


class MembershipDecideView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Approve or reject a request to join",
        request=MembershipDecisionSerializer,
        responses=MembershipSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        if not 0 < pk <= MAX_PK:
            raise Http404
        scope = coordinator_scope(user=request.user)
        # Out of scope is "not found", like the membership queue.
        membership = memberships_to_decide_for(user=request.user, scope=scope).filter(pk=pk).first()
        if membership is None:
            raise Http404
        body = MembershipDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = membership_decide(
            membership=membership,
            approve=body.validated_data["decision"] == "approve",
            actor=request.user,
        )
        return Response(MembershipSerializer(membership).data)
