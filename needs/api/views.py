from __future__ import annotations

from needs.api.filters import NeedFilterSet
from needs.api.serializers import (
    NeedCreateSerializer,
    NeedGeoSerializer,
    NeedSerializer,
    NeedUpdateSerializer,
)
from needs.models import Need
from needs.services import need_create, need_set_status, need_update
from posts.api.views import PostViewSet, document_post_viewset


@document_post_viewset(
    "need", NeedSerializer, NeedCreateSerializer, NeedUpdateSerializer, NeedGeoSerializer
)
class NeedViewSet(PostViewSet):
    """Needs for help: search, read, post, edit and change status."""

    model = Need
    filterset_class = NeedFilterSet
    read_serializer_class = NeedSerializer
    create_serializer_class = NeedCreateSerializer
    update_serializer_class = NeedUpdateSerializer
    geo_serializer_class = NeedGeoSerializer
    create_service = staticmethod(need_create)
    update_service = staticmethod(need_update)
    set_status_service = staticmethod(need_set_status)
