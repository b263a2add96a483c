"""The pure rule of one pair (``matching.feasibility``) says what the matcher's SQL does."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from django.conf import settings
from django.utils import timezone

from matching import candidates
from matching.feasibility import NeedFacts, OfferFacts, PairFacts, pair_refusals
from matching.selectors import pair_facts
from tests.matching.rule_cases import FEASIBLE, INFEASIBLE, build

TODAY = dt.date(2026, 3, 1)


def _facts(**changes) -> PairFacts:
    common = {
        "status": "active",
        "hidden": False,
        "valid_from": TODAY,
        "valid_until": None,
        "category_id": 5,
        "parent_category_id": None,
        "root_slug": "other",
        "radius_km": 10.0,
        "remote": False,
        "languages": frozenset({"uk"}),
        "details": {},
    }
    offer = OfferFacts(id=1, people=frozenset({10}), **common)
    need = NeedFacts(id=2, people=frozenset({20}), **common)
    pair = {"offer": offer, "need": need, "distance_km": 5.0}
    pair.update(changes)
    return PairFacts(**pair)


def test_a_feasible_pair_has_no_refusal():
    assert pair_refusals(_facts(), today=TODAY) == []


def test_remote_posts_meet_at_any_distance():
    far = _facts(distance_km=900.0)
    assert [r.code for r in pair_refusals(far, today=TODAY)] == ["distance"]
    remote = replace(
        far, offer=replace(far.offer, remote=True), need=replace(far.need, remote=True)
    )
    assert pair_refusals(remote, today=TODAY) == []


def _offer(**changes) -> OfferFacts:
    return replace(_facts().offer, **changes)


def _need(**changes) -> NeedFacts:
    return replace(_facts().need, **changes)


def test_an_offer_of_the_general_category_serves_a_need_of_a_subcategory():
    facts = _facts(need=(_need(category_id=9, parent_category_id=5)))
    assert pair_refusals(facts, today=TODAY) == []
    facts = _facts(offer=(_offer(category_id=9)))
    assert [r.code for r in pair_refusals(facts, today=TODAY)] == ["category"]


def test_every_broken_rule_is_reported():
    facts = _facts(
        distance_km=50.0,
        offer=(_offer(languages=frozenset({"de"}), people=frozenset({20}))),
    )
    codes = [r.code for r in pair_refusals(facts, today=TODAY)]
    assert codes == ["distance", "language", "same_person"]


def test_material_aid_takes_one_item_but_not_a_covered_need():
    need = _need(root_slug="material-aid", details={"quantity": 10})
    offer = _offer(root_slug="material-aid", free_units=1)
    assert pair_refusals(_facts(offer=offer, need=need), today=TODAY) == []
    covered = _facts(offer=offer, need=need, need_units_held=10)
    assert [r.code for r in pair_refusals(covered, today=TODAY)] == ["covered"]


@pytest.mark.django_db
@pytest.mark.parametrize("case", INFEASIBLE + FEASIBLE)
def test_the_pure_rule_agrees_with_the_candidates_sql(case):
    # Given a pair built to break one rule (or none)
    pair = build(case)
    # When the matcher's own probe looks for offers for the need
    found = candidates.offers_for_needs(
        today=timezone.localdate(),
        need_ids=[pair.need.pk],
        full_offer_ids=None,
        limit=settings.POMOC_MATCHING_CANDIDATES,
        per_need=settings.POMOC_MATCHING_PER_NEED,
        per_offer=settings.POMOC_MATCHING_PER_OFFER,
    )
    in_sql = pair.offer.pk in found.offer_id.tolist()
    refusals = pair_refusals(
        pair_facts(offer=pair.offer, need=pair.need), today=timezone.localdate()
    )
    # Then the SQL proposes it exactly when the pure rule finds nothing wrong, for that reason
    assert in_sql == (not refusals)
    assert [r.code for r in refusals] == ([pair.code] if pair.code else [])
    assert all(pair.words in str(r) for r in refusals)
