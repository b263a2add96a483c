"""``/api/v1/reports/``, ``/api/v1/moderation/`` and ``/api/v1/concerns/``: reporting a post,
and what coordinators do about posts and concerns. The same services as the moderation pages;
out of scope is 404, as there."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scopes import coordinator_scope, user_can_coordinate
from matching.api.serializers import ConcernSerializer
from matching.selectors import match_in_scope
from moderation import selectors, services
from moderation.api.serializers import (
    BulkModerationResultSerializer,
    BulkModerationSerializer,
    ConcernAnswerSerializer,
    ModeratedPostSerializer,
    ModerationActionSerializer,
    ModerationQuerySerializer,
    PostModerationDetailSerializer,
    ReportCreateSerializer,
    ReportHandledSerializer,
    ReportHandleSerializer,
    ReportSerializer,
)
from moderation.forms import PostModerationFilterForm
from moderation.models import Concern, Report, ReportStatus
from moderation.views import ACTIONS, KINDS
from offers.models import Offer
from posts.api.views import MAX_PK
from posts.models import Post
from posts.selectors import post_visible


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk <= MAX_PK:
        raise Http404
    return pk


def _model(kind: str) -> type[Post]:
    if kind not in KINDS:
        raise Http404
    return KINDS[kind]


class CoordinatorOnly(permissions.IsAuthenticated):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and user_can_coordinate(user=request.user)


def _post_in_scope(request: Request, kind: str, pk: Any) -> Post:
    post = _model(kind).objects.select_related("owner", "category").filter(pk=_pk(pk)).first()
    if post is None or not coordinator_scope(user=request.user).covers(post):
        raise Http404
    return post


class ReportListCreateView(generics.GenericAPIView):
    serializer_class = ReportSerializer
    queryset = Report.objects.none()  # for the schema; the handlers use the selectors

    def get_permissions(self):
        if self.request.method == "GET":
            return [CoordinatorOnly()]
        return [permissions.IsAuthenticated()]

    @extend_schema(
        summary="Open reports of posts in my scope (coordinators); ?status=all for every one",
        parameters=[
            OpenApiParameter("status", str, enum=[*ReportStatus.values, "all"], required=False)
        ],
        responses=ReportSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params.get("status", ReportStatus.OPEN)
        if wanted not in (*ReportStatus.values, "all"):
            raise serializers.ValidationError({"status": [_("Unknown status.")]})
        reports = selectors.reports_in_scope(
            scope=coordinator_scope(user=request.user), status="" if wanted == "all" else wanted
        )
        page = self.paginate_queryset(reports)
        return self.get_paginated_response(ReportSerializer(page, many=True).data)

    @extend_schema(
        summary="Report an offer or a need as spam, abusive or something else",
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
    )
    def post(self, request: Request) -> Response:
        body = ReportCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        model = _model(data["kind"])
        # Only a post one can see can be reported; any other is "not found".
        post = post_visible(model, user=request.user).filter(pk=data["post"]).first()
        if post is None:
            raise serializers.ValidationError({"post": [_("No such post.")]})
        report = services.report_create(
            reporter=request.user, post=post, reason=data["reason"], comment=data["comment"]
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportHandleView(APIView):
    permission_classes = [CoordinatorOnly]

    @extend_schema(
        summary="Resolve or dismiss a report (with every open report of the same post)",
        request=ReportHandleSerializer,
        responses=ReportHandledSerializer,
    )
    def post(self, request: Request, pk: str) -> Response:
        report = Report.objects.select_related("offer", "need").filter(pk=_pk(pk)).first()
        post = None if report is None else report.post
        if post is None or not coordinator_scope(user=request.user).covers(post):
            raise Http404
        body = ReportHandleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        closed = services.report_resolve(
            actor=request.user, post=post, status=body.validated_data["status"]
        )
        return Response(ReportHandledSerializer({"closed": closed}).data)


class ModerationPostListView(generics.GenericAPIView):
    """Posts in my scope, newest first: the post moderation list."""

    permission_classes = [CoordinatorOnly]
    serializer_class = ModeratedPostSerializer
    queryset = Offer.objects.none()  # for the schema; the handler uses the selectors

    @extend_schema(
        summary="Posts in my scope to moderate, paged and filtered",
        parameters=[ModerationQuerySerializer],
        responses=ModeratedPostSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        form = PostModerationFilterForm(request.query_params)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        posts = selectors.posts_to_moderate(
            _model(form.kind_value()),
            scope=coordinator_scope(user=request.user),
            filters=form.filters(),
        )
        page = self.paginate_queryset(posts)
        return self.get_paginated_response(ModeratedPostSerializer(page, many=True).data)


class ModerationBulkView(APIView):
    permission_classes = [CoordinatorOnly]

    @extend_schema(
        summary="Hide or show several posts with a reason: all of them or none",
        request=BulkModerationSerializer,
        responses=BulkModerationResultSerializer,
    )
    def post(self, request: Request) -> Response:
        body = BulkModerationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        changed = services.posts_bulk_moderate(
            actor=request.user,
            model=_model(data["kind"]),
            ids=data["posts"],
            action=data["action"],
            reason=data["reason"],
        )
        return Response(BulkModerationResultSerializer({"changed": changed}).data)


def _detail(post: Post) -> dict[str, Any]:
    return PostModerationDetailSerializer(
        {
            "post": post,
            "history": list(selectors.post_moderation_history(post)),
            "open_reports": post.reports.filter(status=ReportStatus.OPEN).count(),
        }
    ).data


class ModerationPostView(APIView):
    permission_classes = [CoordinatorOnly]

    @extend_schema(
        summary="One post's moderation: its state and who hid or showed it, when and why",
        parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS))],
        responses=PostModerationDetailSerializer,
    )
    def get(self, request: Request, kind: str, pk: str) -> Response:
        return Response(_detail(_post_in_scope(request, kind, pk)))


class ModerationActionView(APIView):
    permission_classes = [CoordinatorOnly]

    @extend_schema(
        summary="Hide, show (unhide), dismiss its reports, mark reviewed, or block the owner",
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS)),
            OpenApiParameter("action", str, OpenApiParameter.PATH, enum=list(ACTIONS)),
        ],
        request=ModerationActionSerializer,
        responses=PostModerationDetailSerializer,
    )
    def post(self, request: Request, kind: str, pk: str, action: str) -> Response:
        if action not in ACTIONS:
            raise Http404
        post = _post_in_scope(request, kind, pk)
        body = ModerationActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reason, actor = body.validated_data["reason"], request.user
        if action == "hide":
            services.post_hide(post, actor=actor, reason=reason)
        elif action == "unhide":
            services.post_unhide(post, actor=actor, reason=reason)
        elif action == "dismiss":
            services.report_resolve(actor=actor, post=post, status=ReportStatus.DISMISSED)
        elif action == "reviewed":
            services.post_mark_reviewed(post, actor=actor)
        else:
            services.user_block(actor=actor, user=post.owner, reason=reason)
        post.refresh_from_db()
        return Response(_detail(post))


class ConcernAnswerView(APIView):
    permission_classes = [CoordinatorOnly]

    @extend_schema(
        summary="Answer a concern raised on a match in my scope",
        request=ConcernAnswerSerializer,
        responses=ConcernSerializer,
    )
    def post(self, request: Request, pk: str) -> Response:
        concern = Concern.objects.select_related("match", "match__need").filter(pk=_pk(pk)).first()
        if concern is None or not match_in_scope(user=request.user, match=concern.match):
            raise Http404
        body = ConcernAnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        concern = services.concern_answer(
            concern=concern, actor=request.user, answer=body.validated_data["answer"]
        )
        return Response(ConcernSerializer(concern).data)
