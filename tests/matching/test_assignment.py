"""Which pairs become proposals: slots respected, optimal at least as good as greedy."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matching.assignment import UnitBudget, assign_greedy, assign_optimal, assign_units, total_score
from matching.scoring import ScoredPair, ScoredPairs


def pair(need_id: int, offer_id: int, score: float) -> ScoredPair:
    return ScoredPair(need_id=need_id, offer_id=offer_id, score=score, factors={}, distance_km=0)


def scored(*pairs: ScoredPair) -> ScoredPairs:
    return ScoredPairs.of(pairs)


def counts(chosen, attribute):
    result: dict[int, int] = {}
    for item in chosen:
        key = getattr(item, attribute)
        result[key] = result.get(key, 0) + 1
    return result


def test_greedy_takes_the_best_pairs_within_the_slots():
    pairs = scored(pair(1, 10, 0.9), pair(1, 11, 0.8), pair(1, 12, 0.7), pair(2, 10, 0.6))
    chosen = assign_greedy(pairs, need_slots={1: 2, 2: 1}, offer_slots={10: 1, 11: 1, 12: 1})
    assert [(p.need_id, p.offer_id) for p in chosen] == [(1, 10), (1, 11)]


def test_an_offer_without_slots_gets_no_proposal():
    only = scored(pair(1, 10, 0.9))
    assert len(assign_greedy(only, need_slots={1: 3}, offer_slots={10: 0})) == 0
    assert len(assign_optimal(only, need_slots={1: 3}, offer_slots={10: 0})) == 0


def test_optimal_beats_greedy_when_the_best_pair_blocks_two_good_ones():
    # Need 1 could use offer 10 or 11; need 2 only offer 10. Greedy gives offer 10 to need 1
    # and leaves need 2 with nothing; the optimal assignment serves both.
    pairs = scored(pair(1, 10, 0.9), pair(1, 11, 0.8), pair(2, 10, 0.85))
    slots = dict(need_slots={1: 1, 2: 1}, offer_slots={10: 1, 11: 1})
    greedy = assign_greedy(pairs, **slots)
    optimal = assign_optimal(pairs, **slots)
    assert {(p.need_id, p.offer_id) for p in greedy} == {(1, 10)}
    assert {(p.need_id, p.offer_id) for p in optimal} == {(1, 11), (2, 10)}
    assert total_score(optimal) > total_score(greedy)


def test_both_respect_every_slot_and_optimal_is_never_worse_on_random_inputs():
    rng = random.Random(4)
    for _ in range(20):
        needs, offers = range(30), range(100, 115)
        pairs = scored(
            *(
                pair(n, o, round(rng.random(), 3))
                for n in needs
                for o in offers
                if rng.random() < 0.3
            )
        )
        need_slots = {n: rng.randint(0, 3) for n in needs}
        offer_slots = {o: rng.randint(0, 4) for o in offers}
        for function in (assign_greedy, assign_optimal):
            chosen = function(pairs, need_slots=need_slots, offer_slots=offer_slots)
            assert len({(p.need_id, p.offer_id) for p in chosen}) == len(chosen)
            assert all(c <= need_slots[n] for n, c in counts(chosen, "need_id").items())
            assert all(c <= offer_slots[o] for o, c in counts(chosen, "offer_id").items())
        greedy = assign_greedy(pairs, need_slots=need_slots, offer_slots=offer_slots)
        optimal = assign_optimal(pairs, need_slots=need_slots, offer_slots=offer_slots)
        assert total_score(optimal) >= total_score(greedy) - 1e-6


def test_chosen_pairs_come_best_first_with_their_factors():
    pairs = ScoredPairs(
        need_id=np.array([1, 2, 3]),
        offer_id=np.array([10, 10, 11]),
        score=np.array([0.2, 0.9, 0.5]),
        distance_km=np.array([1.0, 2.0, 3.0]),
        factors={"distance": np.array([0.1, 0.2, 0.3])},
    )
    slots = dict(need_slots={1: 1, 2: 1, 3: 1}, offer_slots={10: 2, 11: 1})
    for function in (assign_greedy, assign_optimal):
        chosen = list(function(pairs, **slots))
        assert [(p.need_id, p.score, p.factors["distance"]) for p in chosen] == [
            (2, 0.9, 0.2),
            (3, 0.5, 0.3),
            (1, 0.2, 0.1),
        ]


def _units(chosen, units) -> dict[tuple[int, int], int]:
    return {
        (p.need_id, p.offer_id): int(u) for p, u in zip(list(chosen), units.tolist(), strict=True)
    }


@pytest.mark.parametrize("optimal", [False, True])
def test_proposals_of_one_offer_fit_its_beds_together(optimal):
    # A 3-bed room and three families: of two, of two, of one. The best family of two comes
    # first; the second family of two would make five beds, so the family of one comes instead.
    pairs = scored(pair(1, 10, 0.9), pair(2, 10, 0.8), pair(3, 10, 0.5))
    budget = UnitBudget(need_units={1: 2, 2: 2, 3: 1}, offer_room={10: 3})
    chosen, units = assign_units(
        pairs, need_slots={1: 3, 2: 3, 3: 3}, offer_slots={10: 5}, budget=budget, optimal=optimal
    )
    assert _units(chosen, units) == {(1, 10): 2, (3, 10): 1}


@pytest.mark.parametrize("optimal", [False, True])
def test_a_material_aid_need_takes_what_each_offer_has(optimal):
    pairs = scored(pair(1, 10, 0.9), pair(1, 11, 0.8), pair(2, 11, 0.7), pair(3, 11, 0.6))
    budget = UnitBudget(
        need_units={1: 10, 2: 4, 3: 4}, offer_room={10: 4, 11: 6}, partial_needs={1, 2, 3}
    )
    chosen, units = assign_units(
        pairs,
        need_slots={1: 3, 2: 3, 3: 3},
        offer_slots={10: 5, 11: 5},
        budget=budget,
        optimal=optimal,
    )
    # Ten coats wanted: four from one offer, six from the other; nothing left for the others.
    assert _units(chosen, units) == {(1, 10): 4, (1, 11): 6}


def test_unit_aware_choices_never_exceed_an_offers_room_and_fill_it_well():
    rng = random.Random(13)
    for _ in range(20):
        needs, offers = range(30), range(100, 115)
        pairs = scored(
            *(
                pair(n, o, round(rng.random(), 3))
                for n in needs
                for o in offers
                if rng.random() < 0.3
            )
        )
        partial = {n for n in needs if rng.random() < 0.3}
        budget = UnitBudget(
            need_units={n: rng.randint(1, 6) for n in needs},
            offer_room={o: rng.randint(0, 8) for o in offers},
            partial_needs=partial,
        )
        need_slots = {n: rng.randint(0, 3) for n in needs}
        offer_slots = {o: rng.randint(0, 4) for o in offers}
        for optimal in (False, True):
            chosen, units = assign_units(
                pairs,
                need_slots=need_slots,
                offer_slots=offer_slots,
                budget=budget,
                optimal=optimal,
            )
            taken = _units(chosen, units)
            assert len(taken) == len(chosen)
            assert list(chosen.score) == sorted(chosen.score, reverse=True)
            for offer in offers:
                held = [u for (_, o), u in taken.items() if o == offer]
                assert sum(held) <= budget.offer_room[offer]
                assert len(held) <= offer_slots[offer]
            for (need, _), held in taken.items():
                assert held >= 1
                if need in partial:
                    assert held <= budget.need_units[need]
                else:
                    assert held == budget.need_units[need]
            assert all(c <= need_slots[n] for n, c in counts(chosen, "need_id").items())
