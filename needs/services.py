from __future__ import annotations

from accounts.models import Organisation, User
from needs.models import Need, Urgency
from posts.hooks import matching_queue
from posts.models import Category, PostStatus
from posts.services import post_create, post_set_status, post_update


def need_create(
    *,
    owner: User,
    category: Category,
    title: str,
    place_name: str,
    languages: list[str],
    people_count: int = 1,
    urgency: int = Urgency.NORMAL,
    organisation: Organisation | None = None,
    status: str = PostStatus.ACTIVE,
    **fields: object,
) -> Need:
    need = post_create(
        Need,
        owner=owner,
        category=category,
        title=title,
        place_name=place_name,
        languages=languages,
        organisation=organisation,
        status=status,
        people_count=people_count,
        urgency=urgency,
        **fields,
    )
    matching_queue(kind="need", pk=need.pk)
    return need


def need_update(need: Need, *, actor: User, **changes: object) -> Need:
    need = post_update(need, actor=actor, **changes)
    matching_queue(kind="need", pk=need.pk)
    return need


def need_set_status(need: Need, *, actor: User | None, status: str) -> Need:
    need = post_set_status(need, actor=actor, status=status)
    matching_queue(kind="need", pk=need.pk)
    return need
