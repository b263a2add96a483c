from __future__ import annotations

from offers.api.filters import OfferFilterSet
from offers.api.serializers import (
    OfferCreateSerializer,
    OfferGeoSerializer,
    OfferSerializer,
    OfferUpdateSerializer,
)
from offers.models import Offer
from offers.services import offer_create, offer_set_status, offer_update
from posts.api.views import PostViewSet, document_post_viewset


@document_post_viewset(
    "offer", OfferSerializer, OfferCreateSerializer, OfferUpdateSerializer, OfferGeoSerializer
)
class OfferViewSet(PostViewSet):
    """Offers of help: search, read, post, edit and change status."""

    model = Offer
    filterset_class = OfferFilterSet
    read_serializer_class = OfferSerializer
    create_serializer_class = OfferCreateSerializer
    update_serializer_class = OfferUpdateSerializer
    geo_serializer_class = OfferGeoSerializer
    create_service = staticmethod(offer_create)
    update_service = staticmethod(offer_update)
    set_status_service = staticmethod(offer_set_status)
