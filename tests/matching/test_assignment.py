"""Which pairs become proposals: slots respected, optimal at least as good as greedy."""

from __future__ import annotations

import random

import numpy as np

from matching.assignment import assign_greedy, assign_optimal, total_score
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
