"""The household rule (issue 11, item 8): a group with children, or of women only, is never
proposed to a host who lives alone, nor to one who did not say who lives in the home, in the
full and in both incremental passes; a coordinator may pair them by hand only with the
override and a reason, which the history keeps."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from matching import engine
from matching.lifecycle import match_create_manual
from matching.models import Match, MatchTransition
from tests.factories import NeedFactory, OfferFactory, category

pytestmark = pytest.mark.django_db

PASSES = ["full", "incremental-need", "incremental-offer"]


def proposed_offers(need, kind: str, offers) -> set[int]:
    if kind == "full":
        engine.full_pass()
    elif kind == "incremental-need":
        engine.incremental_pass(need_id=need.pk)
    else:
        for offer in offers:
            engine.incremental_pass(offer_id=offer.pk)
    return set(Match.objects.filter(need=need).values_list("offer_id", flat=True))


@pytest.fixture
def hosts():
    room = category("accommodation-long")
    return {
        household: OfferFactory(
            category=room, capacity=4, details={"household": household} if household else {}
        )
        for household in ("single_adult", "couple", "family", None)
    }


@pytest.mark.parametrize("kind", PASSES)
@pytest.mark.parametrize("group", [{"children": True}, {"women_only": True}])
def test_a_vulnerable_group_never_goes_to_a_host_alone_or_unknown(hosts, kind, group):
    need = NeedFactory(category=category("accommodation-long"), people_count=2, details=group)
    found = proposed_offers(need, kind, list(hosts.values()))
    assert found == {hosts["couple"].pk, hosts["family"].pk}


@pytest.mark.parametrize("kind", PASSES)
def test_other_groups_may_stay_with_anyone(hosts, kind, settings):
    settings.POMOC_MATCHING_PER_NEED = len(hosts)  # room for every host among the proposals
    need = NeedFactory(category=category("accommodation-long"), people_count=1, details={})
    assert proposed_offers(need, kind, list(hosts.values())) == {h.pk for h in hosts.values()}


def test_a_coordinator_overrides_only_with_a_reason(hosts, coordinator):
    need = NeedFactory(
        category=category("accommodation-long"), people_count=2, details={"children": True}
    )
    alone = hosts["single_adult"]
    with pytest.raises(ValidationError) as refused:
        match_create_manual(offer=alone, need=need, actor=coordinator)
    assert "need" in refused.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        match_create_manual(offer=alone, need=need, actor=coordinator, household_override=True)
    assert "reason" in no_reason.value.message_dict
    assert not Match.objects.exists()

    match = match_create_manual(
        offer=alone,
        need=need,
        actor=coordinator,
        household_override=True,
        reason="The host is the children's grandmother.",
    )
    step = MatchTransition.objects.filter(match=match).latest("created_at")
    assert "grandmother" in step.reason and "overridden" in step.reason
