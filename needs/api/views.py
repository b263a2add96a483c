from __future__ import annotations

from functools import partial

from matching.respond import match_request
from matching.selectors import respond_own_posts
from needs.api.filters import NeedFilterSet
from needs.api.serializers import (
    NeedCreateSerializer,
    NeedGeoSerializer,
    NeedRespondSerializer,
    NeedSerializer,
    NeedUpdateSerializer,
)
from needs.models import Need
from needs.services import need_create, need_set_status, need_update
from offers.models import Offer
from posts.api.views import PostViewSet, document_post_viewset


@document_post_viewset(
    "need",
    NeedSerializer,
    NeedCreateSerializer,
    NeedUpdateSerializer,
    NeedGeoSerializer,
    NeedRespondSerializer,
)
class NeedViewSet(PostViewSet):
    """Needs for help: search, read, post, edit, change status and respond (“I can help”)."""

    model = Need
    filterset_class = NeedFilterSet
    read_serializer_class = NeedSerializer
    create_serializer_class = NeedCreateSerializer
    update_serializer_class = NeedUpdateSerializer
    geo_serializer_class = NeedGeoSerializer
    create_service = staticmethod(need_create)
    update_service = staticmethod(need_update)
    set_status_service = staticmethod(need_set_status)
    respond_service = staticmethod(match_request)
    respond_serializer_class = NeedRespondSerializer
    respond_own_posts = staticmethod(partial(respond_own_posts, Offer))
