"""``/api/v1/matches/``: a person's own matches and their answers, the coordinators' queue and
decisions. Thin: the same selectors and ``matching.lifecycle`` services as the web pages, so
the same rules; out of scope is 404, like the match page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from matching import lifecycle
from matching.api.serializers import (
    AnswerSerializer,
    ApproveSerializer,
    BulkApproveResultSerializer,
    BulkApproveSerializer,
    CloseSerializer,
    ConcernCreateSerializer,
    ConcernSerializer,
    ContactSerializer,
    ManualMatchSerializer,
    MatchSerializer,
    QueueQuerySerializer,
    RejectSerializer,
)
from matching.forms import QueueFilterForm
from matching.models import Match
from matching.selectors import (
    match_contact_people,
    match_in_scope,
    match_list_for_participant,
    match_queue_for,
    match_viewer_sides,
    user_can_coordinate,
    user_organisation_ids,
)
from moderation import services as moderation_services
from needs.models import Need
from offers.models import Offer
from posts.api.views import MAX_PK
from rights.models import ContactAccess
from rights.selectors import contact_values
from rights.services import contact_access_record

_RELATED = ("offer", "offer__category", "offer__owner", "need", "need__category", "need__owner")


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_PK:
        raise Http404
    return pk


class MatchViewSet(viewsets.GenericViewSet):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = MatchSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Match.objects.none()
        return match_list_for_participant(user=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["organisation_ids"] = user_organisation_ids(user=self.request.user)
        return context

    def _require_coordinator(self) -> None:
        if not user_can_coordinate(user=self.request.user):
            raise PermissionDenied

    def _visible(self) -> tuple[Match, set[str]]:
        match = Match.objects.select_related(*_RELATED).filter(pk=_pk(self.kwargs["pk"])).first()
        sides = None if match is None else match_viewer_sides(user=self.request.user, match=match)
        if sides is None:
            raise Http404
        return match, sides

    def _in_scope(self) -> Match:
        self._require_coordinator()
        match = Match.objects.select_related("need", "need__category").filter(
            pk=_pk(self.kwargs["pk"])
        )
        match = match.first()
        if match is None or not match_in_scope(user=self.request.user, match=match):
            raise Http404
        return match

    def _party(self) -> Match:
        match, sides = self._visible()
        if not sides:
            raise PermissionDenied
        return match

    def _read(self, match: Match, *, sides: set[str] | None = None) -> dict[str, Any]:
        match = Match.objects.select_related(*_RELATED).get(pk=match.pk)
        context = self.get_serializer_context()
        if sides is not None:
            context["sides"] = sides
        return MatchSerializer(match, context=context).data

    @extend_schema(
        summary="My matches: approved matches of my posts and my organisations' posts",
        responses=MatchSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="One match; the other side's contacts once both sides accepted",
        responses=MatchSerializer,
    )
    def retrieve(self, request: Request, pk: str | None = None) -> Response:
        match, sides = self._visible()
        contacts = []
        for person in match_contact_people(match=match, sides=sides):
            # Every showing of someone's contact goes into their access log (issue 11).
            contact_access_record(
                viewer=request.user,
                subject=person,
                where=ContactAccess.Where.MATCH_PAGE,
                match=match,
            )
            side = "offer" if person.pk == match.offer.owner_id else "need"
            values = contact_values(person)
            contacts.append(
                ContactSerializer(
                    {
                        "side": side,
                        "name": values.get("name", ""),
                        "email": values.get("email", ""),
                        "phone": values.get("phone", ""),
                    }
                ).data
            )
        context = {**self.get_serializer_context(), "sides": sides, "contacts": contacts}
        return Response(MatchSerializer(match, context=context).data)

    @extend_schema(
        summary="Accept or decline a match a coordinator approved (a side only)",
        request=AnswerSerializer,
        responses=MatchSerializer,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str | None = None) -> Response:
        match = self._party()
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = lifecycle.match_respond(
            match, actor=request.user, accept=body.validated_data["answer"] == "accept"
        )
        return Response(self._read(match))

    @extend_schema(
        summary="Close a connected match with its outcome (a side only)",
        request=CloseSerializer,
        responses=MatchSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        match = self._party()
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = lifecycle.match_close(match, actor=request.user, **body.validated_data)
        return Response(self._read(match))

    @extend_schema(
        summary="Raise a confidential concern about a match with the coordinators (a side)",
        request=ConcernCreateSerializer,
        responses={201: ConcernSerializer},
    )
    @action(detail=True, methods=["post"])
    def concerns(self, request: Request, pk: str | None = None) -> Response:
        match, sides = self._visible()
        if not sides:
            raise Http404
        body = ConcernCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        concern = moderation_services.concern_raise(
            match=match, user=request.user, text=body.validated_data["text"]
        )
        return Response(ConcernSerializer(concern).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The coordinators' queue: proposals in my scope, most urgent first",
        parameters=[QueueQuerySerializer],
        responses=MatchSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def queue(self, request: Request) -> Response:
        self._require_coordinator()
        form = QueueFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        matches = match_queue_for(user=request.user, filters=form.filters())
        page = self.paginate_queryset(matches)
        return self.get_paginated_response(
            MatchSerializer(page, many=True, context=self.get_serializer_context()).data
        )

    @extend_schema(
        summary="Approve a proposal (a coordinator in scope)",
        request=ApproveSerializer,
        responses=MatchSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        match = self._in_scope()
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = lifecycle.match_approve(match, actor=request.user, **body.validated_data)
        return Response(self._read(match, sides=set()))

    @extend_schema(
        summary="Reject a proposal with a reason (a coordinator in scope)",
        request=RejectSerializer,
        responses=MatchSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        match = self._in_scope()
        body = RejectSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = lifecycle.match_reject(match, actor=request.user, **body.validated_data)
        return Response(self._read(match, sides=set()))

    @extend_schema(
        summary="Approve several proposals: all of them or, if one is refused, none",
        request=BulkApproveSerializer,
        responses=BulkApproveResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="bulk-approve")
    def bulk_approve(self, request: Request) -> Response:
        self._require_coordinator()
        body = BulkApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = body.validated_data["matches"]
        # A proposal out of scope is as unknown as a missing one: nothing of it is revealed.
        known = Match.objects.filter(pk__in=ids).select_related("need", "need__category")
        if len(known) != len(set(ids)) or not all(
            match_in_scope(user=request.user, match=match) for match in known
        ):
            raise serializers.ValidationError(
                {"matches": [_("Some of the chosen proposals do not exist.")]}
            )
        approved = lifecycle.match_bulk_approve(ids, actor=request.user)
        return Response(BulkApproveResultSerializer({"approved": approved}).data)

    @extend_schema(
        summary="Pair an offer with a need by hand; approved at once (a coordinator of the need)",
        request=ManualMatchSerializer,
        responses={201: MatchSerializer},
    )
    @action(detail=False, methods=["post"])
    def manual(self, request: Request) -> Response:
        self._require_coordinator()
        body = ManualMatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        offer = Offer.objects.filter(pk=data["offer"]).first()
        need = Need.objects.filter(pk=data["need"]).first()
        errors = {}
        if offer is None:
            errors["offer"] = [_("No offer with that id.")]
        if need is None:
            errors["need"] = [_("No need with that id.")]
        if errors:
            raise serializers.ValidationError(errors)
        match = lifecycle.match_create_manual(
            offer=offer,
            need=need,
            actor=request.user,
            reason=data["reason"],
            household_override=data["household_override"],
        )
        return Response(self._read(match, sides=set()), status=status.HTTP_201_CREATED)
