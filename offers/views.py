from __future__ import annotations

from offers.forms import OfferForm
from offers.models import Offer
from offers.services import offer_create, offer_set_status, offer_update
from posts.views import PostKind

OFFER_KIND = PostKind(
    model=Offer,
    form_class=OfferForm,
    create=offer_create,
    update=offer_update,
    set_status=offer_set_status,
    name="offer",
)
