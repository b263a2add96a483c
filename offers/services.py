from __future__ import annotations

from accounts.models import Organisation, User
from offers.models import Offer
from posts.hooks import matching_queue
from posts.models import Category, PostStatus
from posts.services import post_create, post_set_status, post_update


def offer_create(
    *,
    owner: User,
    category: Category,
    title: str,
    place_name: str,
    languages: list[str],
    capacity: int = 1,
    organisation: Organisation | None = None,
    status: str = PostStatus.ACTIVE,
    **fields: object,
) -> Offer:
    offer = post_create(
        Offer,
        owner=owner,
        category=category,
        title=title,
        place_name=place_name,
        languages=languages,
        organisation=organisation,
        status=status,
        capacity=capacity,
        **fields,
    )
    matching_queue(kind="offer", pk=offer.pk)
    return offer


def offer_update(offer: Offer, *, actor: User, **changes: object) -> Offer:
    offer = post_update(offer, actor=actor, **changes)
    matching_queue(kind="offer", pk=offer.pk)
    return offer


def offer_set_status(offer: Offer, *, actor: User | None, status: str) -> Offer:
    offer = post_set_status(offer, actor=actor, status=status)
    matching_queue(kind="offer", pk=offer.pk)
    return offer
