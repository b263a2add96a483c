from __future__ import annotations

from functools import partial

from matching.respond import match_request
from matching.selectors import respond_own_posts
from needs.models import Need
from offers.api.filters import OfferFilterSet
from offers.api.serializers import (
    OfferCreateSerializer,
    OfferGeoSerializer,
    OfferRespondSerializer,
    OfferSerializer,
    OfferUpdateSerializer,
)
from offers.models import Offer
from offers.services import offer_create, offer_set_status, offer_update
from posts.api.views import PostViewSet, document_post_viewset


@document_post_viewset(
    "offer",
    OfferSerializer,
    OfferCreateSerializer,
    OfferUpdateSerializer,
    OfferGeoSerializer,
    OfferRespondSerializer,
)
class OfferViewSet(PostViewSet):
    """Offers of help: search, read, post, edit, change status and respond (“I need this”)."""

    model = Offer
    filterset_class = OfferFilterSet
    read_serializer_class = OfferSerializer
    create_serializer_class = OfferCreateSerializer
    update_serializer_class = OfferUpdateSerializer
    geo_serializer_class = OfferGeoSerializer
    create_service = staticmethod(offer_create)
    update_service = staticmethod(offer_update)
    set_status_service = staticmethod(offer_set_status)
    respond_service = staticmethod(match_request)
    respond_serializer_class = OfferRespondSerializer
    respond_own_posts = staticmethod(partial(respond_own_posts, Need))
