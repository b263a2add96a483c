"""Which scored pairs become proposals: capacity-aware, so nobody is flooded.

Each need has a number of free slots (its best few proposals, minus those it already has) and
each offer too (at most a bounded number of open proposals, never more than its capacity left).
Two ways to fill them, both pure functions from ``ScoredPairs`` to the chosen ``ScoredPairs``,
best first:

- ``assign_greedy``: best pair first; O(P log P).
- ``assign_optimal``: the maximum-total-score assignment within the same slots, solved as a
  min-cost flow (OR-Tools). Greedy can lose when a need's best offer is the only option for
  another need; the benchmark compares both, and the engine uses the optimal one up to a
  number of pairs (``POMOC_MATCHING_OPTIMAL_MAX_PAIRS``).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from ortools.graph.python import min_cost_flow

from matching.scoring import IntArray, ScoredPairs

# Min-cost flow works in integers: scores in [0, 1] become costs in [-SCALE, 0].
SCORE_SCALE = 1_000_000


def _best_first(pairs: ScoredPairs) -> IntArray:
    # Ties are broken by ids so both algorithms are deterministic.
    return np.lexsort((pairs.offer_id, pairs.need_id, -pairs.score))  # as ScoredPairs.best_first


def _dense(ids: IntArray, slots: Mapping[int, int]) -> tuple[IntArray, IntArray]:
    """Each pair's position among the distinct ids, and each distinct id's free slots."""
    distinct, position = np.unique(ids, return_inverse=True)
    free = np.fromiter((slots.get(i, 0) for i in distinct.tolist()), np.int64, len(distinct))
    return position, np.maximum(free, 0)


def assign_greedy(
    pairs: ScoredPairs, *, need_slots: Mapping[int, int], offer_slots: Mapping[int, int]
) -> ScoredPairs:
    """Take pairs best first while both the need and the offer have a slot left."""
    need_of, need_left = _dense(pairs.need_id, need_slots)
    offer_of, offer_left = _dense(pairs.offer_id, offer_slots)
    needs, offers = need_left.tolist(), offer_left.tolist()  # plain lists: faster to mutate
    order = _best_first(pairs)
    chosen = []
    for position, need, offer in zip(
        order.tolist(), need_of[order].tolist(), offer_of[order].tolist(), strict=True
    ):
        if needs[need] > 0 and offers[offer] > 0:
            needs[need] -= 1
            offers[offer] -= 1
            chosen.append(position)
    return pairs.take(np.array(chosen, dtype=np.int64))


def assign_optimal(
    pairs: ScoredPairs, *, need_slots: Mapping[int, int], offer_slots: Mapping[int, int]
) -> ScoredPairs:
    """The set of pairs with the highest total score that fits the slots.

    Steps: a network source → need (capacity: need slots) → offer (capacity 1, cost -score) →
    sink (capacity: offer slots), plus a zero-cost bypass source → sink so that flow need not be
    forced through poor pairs. The source supplies every need slot; the minimum-cost flow then
    routes through pairs exactly where they add score. Arcs carrying flow are the chosen pairs.
    """
    need_of, need_free = _dense(pairs.need_id, need_slots)
    offer_of, offer_free = _dense(pairs.offer_id, offer_slots)
    usable = np.flatnonzero((need_free[need_of] > 0) & (offer_free[offer_of] > 0))
    if len(usable) == 0:
        return pairs.take(usable)
    source, sink = 0, 1
    need_node = 2 + np.arange(len(need_free))
    offer_node = 2 + len(need_free) + np.arange(len(offer_free))
    supply = int(need_free.sum())

    flow = min_cost_flow.SimpleMinCostFlow()
    zeros = np.zeros(len(need_free), dtype=np.int64)
    flow.add_arcs_with_capacity_and_unit_cost(zeros + source, need_node, need_free, zeros)
    pair_arcs = flow.add_arcs_with_capacity_and_unit_cost(
        need_node[need_of[usable]],
        offer_node[offer_of[usable]],
        np.ones(len(usable), dtype=np.int64),
        -np.round(pairs.score[usable] * SCORE_SCALE).astype(np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        offer_node,
        np.full(len(offer_free), sink, dtype=np.int64),
        offer_free,
        np.zeros(len(offer_free), dtype=np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    if flow.solve() != flow.OPTIMAL:
        # Cannot happen with the bypass arc (a feasible flow always exists); fall back rather
        # than lose a pass if OR-Tools ever disagrees.
        return assign_greedy(pairs, need_slots=need_slots, offer_slots=offer_slots)
    return pairs.take(usable[flow.flows(pair_arcs) > 0]).best_first()


def total_score(pairs: ScoredPairs) -> float:
    return float(pairs.score.sum())
