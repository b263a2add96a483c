from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, ProxyAction, User
from accounts.selectors import managed_account_of, operator_can_act_for
from accounts.services import proxy_action_record
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


@transaction.atomic
def need_create_for_person(*, operator: User, person: User, **fields: object) -> Need:
    """An operator posts a need for a person they registered: the person owns it, it is on
    behalf of the organisation that registered them (so its staff answer matches too), and the
    step is logged as the operator's on the person's behalf."""
    account = managed_account_of(person=person)
    if account is None or not operator_can_act_for(user=operator, person=person):
        raise PermissionDenied(_("You do not act for this person."))
    fields.pop("organisation", None)
    need = need_create(owner=person, organisation=account.organisation, actor=operator, **fields)
    proxy_action_record(
        actor=operator, person=person, action=ProxyAction.Action.NEED_POSTED, need=need
    )
    return need
