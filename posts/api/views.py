"""The view set behind ``/api/v1/offers/`` and ``/api/v1/needs/``.

Thin: parse with a serializer, call the app's service or selector, render. Each twin sets its
model, serializers and services; nothing else differs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from posts.api.exceptions import validation_error_detail
from posts.api.pagination import PostGeoJsonPagination, PostSearchPagination
from posts.api.search_cache import search_answer_store, search_cache_key
from posts.api.serializers import (
    CategorySerializer,
    MatchRequestSerializer,
    PostRespondSerializer,
    PostStatusSerializer,
)
from posts.api.throttling import PostCreateThrottle
from posts.api.viewer import Viewer
from posts.freshness import post_renew
from posts.models import Category, Post
from posts.selectors import category_list, post_visible
from posts.services import post_can_edit

# Primary keys are bigint; a longer number in the URL would make PostgreSQL fail.
MAX_PK = 2**63 - 1


class CanEditPost(permissions.BasePermission):
    """Writes to one post: its owner, its organisation's staff and coordinators."""

    def has_object_permission(self, request: Request, view: Any, obj: Post) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return post_can_edit(user=request.user, post=obj)


class PostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    model: ClassVar[type[Post]]
    read_serializer_class: ClassVar[type[BaseSerializer]]
    create_serializer_class: ClassVar[type[BaseSerializer]]
    update_serializer_class: ClassVar[type[BaseSerializer]]
    geo_serializer_class: ClassVar[type[BaseSerializer]]
    # The app's services, e.g. offers.services.offer_create (wrapped in staticmethod).
    create_service: ClassVar[Callable[..., Post]]
    update_service: ClassVar[Callable[..., Post]]
    set_status_service: ClassVar[Callable[..., Post]]
    # Responding to the post (issue 12): matching.respond.match_request, the twin's serializer
    # of the response, and the responder's own open posts of the other kind, given the user.
    respond_service: ClassVar[Callable[..., Any]]
    respond_serializer_class: ClassVar[type[PostRespondSerializer]]
    respond_own_posts: ClassVar[Callable[..., QuerySet]]

    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CanEditPost]
    pagination_class = PostSearchPagination
    lookup_value_regex = r"[0-9]+"

    def get_permissions(self) -> list[permissions.BasePermission]:
        # Anyone signed in may respond to a post they can see; editing rights do not apply.
        if self.action == "respond":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_throttles(self):
        return [*super().get_throttles(), PostCreateThrottle()]

    def get_queryset(self) -> QuerySet[Post]:
        queryset = post_visible(self.model, user=self.request.user)
        if not self.request.user.is_authenticated:
            # Nobody anonymous may see an exact point: not reading it spares parsing it.
            queryset = queryset.defer("location")
        return queryset

    def get_serializer_class(self) -> type[BaseSerializer]:
        if self.action == "create":
            return self.create_serializer_class
        if self.action in ("update", "partial_update"):
            return self.update_serializer_class
        if self.action == "status":
            return PostStatusSerializer
        if self.action == "renew":
            return self.read_serializer_class
        if self.action == "geojson":
            return self.geo_serializer_class
        if self.action == "respond":
            return self.respond_serializer_class
        return self.read_serializer_class

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not hasattr(self, "_viewer"):
            self._viewer = Viewer.for_user(getattr(self.request, "user", None))
        context["viewer"] = self._viewer
        return context

    def get_object(self) -> Post:
        """A post the user may browse, or one they may edit in any status; else 404, so a
        hidden (sensitive, draft) post is indistinguishable from a missing one."""
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise Http404 from None
        if pk > MAX_PK:
            raise Http404
        post = self.get_queryset().filter(pk=pk).first()
        user = self.request.user
        if post is None and user.is_authenticated:
            candidate = (
                self.model.objects.select_related("category__parent", "organisation")
                .filter(pk=pk)
                .first()
            )
            if candidate is not None and post_can_edit(user=user, post=candidate):
                post = candidate
        if post is None:
            raise Http404
        self.check_object_permissions(self.request, post)
        return post

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The search (and, through ``geojson``, the map's search); anonymous answers come from
        and go to the shared cache (``posts.api.search_cache``)."""
        key = search_cache_key(request)
        if key is not None:
            data = cache.get(key)
            if data is not None:
                return Response(data)
        response = super().list(request, *args, **kwargs)
        if key is not None and response.status_code == status.HTTP_200_OK:
            search_answer_store(key, response.data)
        return response

    def _read(self, post: Post) -> dict[str, Any]:
        return self.read_serializer_class(post, context=self.get_serializer_context()).data

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = type(self).create_service(owner=request.user, **serializer.validated_data)
        return Response(self._read(post), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(post, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        post = type(self).update_service(post, actor=request.user, **serializer.validated_data)
        return Response(self._read(post))

    @action(detail=True, methods=["post"])
    def status(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        serializer = PostStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        post = type(self).set_status_service(
            post, actor=request.user, status=serializer.validated_data["status"]
        )
        return Response(self._read(post))

    @action(detail=True, methods=["post"])
    def renew(self, request: Request, pk: str | None = None) -> Response:
        post = self.get_object()
        post = post_renew(post, actor=request.user)
        return Response(self._read(post))

    @action(detail=True, methods=["post"])
    def respond(self, request: Request, pk: str | None = None) -> Response:
        target = self.get_object()
        serializer = self.respond_serializer_class(
            data=request.data,
            context={
                "target": target,
                "own_posts": type(self).respond_own_posts(user=request.user),
            },
        )
        serializer.is_valid(raise_exception=True)
        try:
            match = type(self).respond_service(
                actor=request.user, target=target, **serializer.validated_data
            )
        except DjangoValidationError as error:
            raise _nest_new_post_errors(error, serializer) from None
        return Response(MatchRequestSerializer(match).data, status=status.HTTP_201_CREATED)

    @action(detail=False, methods=["get"], pagination_class=PostGeoJsonPagination)
    def geojson(self, request: Request) -> Response:
        return self.list(request)


def _nest_new_post_errors(
    error: DjangoValidationError, serializer: PostRespondSerializer
) -> Exception:
    """The new post's own fields (its place, its organisation…) under ``new_<side>``, as the
    serializer reports them, so a client knows they belong to the post it sent."""
    if "new_post" not in serializer.validated_data or not hasattr(error, "error_dict"):
        return error
    own = serializer.own_field
    detail = validation_error_detail(error)
    kept = {"message", own, "offer" if own == "need" else "need"}
    nested = {name: messages for name, messages in detail.items() if name not in kept}
    if not nested:
        return error
    rest = {name: messages for name, messages in detail.items() if name in kept}
    return ValidationError({**rest, f"new_{own}": nested})


def document_post_viewset(
    noun: str, read: type, create: type, update: type, geo: type, respond: type
):
    """OpenAPI descriptions for one twin's view set (drf-spectacular reads them)."""
    return extend_schema_view(
        list=extend_schema(summary=f"Search {noun}s", responses=read),
        retrieve=extend_schema(summary=f"One {noun}", responses=read),
        create=extend_schema(summary=f"Post a new {noun}", request=create, responses={201: read}),
        update=extend_schema(summary=f"Replace one {noun}", request=update, responses=read),
        partial_update=extend_schema(
            summary=f"Change some fields of one {noun}", request=update, responses=read
        ),
        status=extend_schema(
            summary=f"Pause, reactivate, fulfil or withdraw one {noun}",
            request=PostStatusSerializer,
            responses=read,
        ),
        renew=extend_schema(
            summary=f"Keep one {noun} for another period, or renew an expired one",
            request=None,
            responses=read,
        ),
        respond=extend_schema(
            summary=(
                "Respond to one offer: “I need this”"
                if noun == "offer"
                else "Respond to one need: “I can help”"
            ),
            description=(
                "Pairs one of the caller's open posts of the other kind, or a new one, with "
                "this post; the proposal waits for a coordinator. Refused with 400 naming the "
                "field and the rule when the matcher would never propose the pair."
            ),
            request=respond,
            responses={201: MatchRequestSerializer},
        ),
        geojson=extend_schema(
            summary=f"Search {noun}s as a GeoJSON FeatureCollection (for maps)",
            responses=geo(many=True),
        ),
    )


class CategoryListView(generics.ListAPIView):
    """Every category, general ones with their subcategories; sensitive ones are marked."""

    serializer_class = CategorySerializer
    pagination_class = None
    permission_classes = [permissions.AllowAny]

    def get_queryset(self) -> QuerySet[Category]:
        return category_list()
