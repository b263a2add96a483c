from __future__ import annotations

from offers.models import Offer
from posts.api.filters import PostFilterSet


class OfferFilterSet(PostFilterSet):
    class Meta(PostFilterSet.Meta):
        model = Offer
