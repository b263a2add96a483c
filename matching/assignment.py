"""Which scored pairs become proposals: capacity-aware, so nobody is flooded.

Each need has a number of free slots (its best few proposals, minus those it already has) and
each offer too (at most a bounded number of open proposals, never more than its capacity left).
Two ways to fill them, both pure functions over ``ScoredPair``:

- ``assign_greedy``: best pair first; O(P log P); what the full pass uses on large inputs.
- ``assign_optimal``: the maximum-total-score assignment within the same slots, solved as a
  min-cost flow (OR-Tools). Greedy can lose when a need's best offer is the only option for
  another need; the benchmark compares both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ortools.graph.python import min_cost_flow

from matching.scoring import ScoredPair

# Min-cost flow works in integers: scores in [0, 1] become costs in [-SCALE, 0].
SCORE_SCALE = 1_000_000


def _ordered(pairs: Sequence[ScoredPair]) -> list[ScoredPair]:
    # Ties are broken by ids so both algorithms are deterministic.
    return sorted(pairs, key=lambda pair: (-pair.score, pair.need_id, pair.offer_id))


def assign_greedy(
    pairs: Sequence[ScoredPair],
    *,
    need_slots: Mapping[int, int],
    offer_slots: Mapping[int, int],
) -> list[ScoredPair]:
    """Take pairs best first while both the need and the offer have a slot left."""
    need_left = dict(need_slots)
    offer_left = dict(offer_slots)
    chosen: list[ScoredPair] = []
    for pair in _ordered(pairs):
        if need_left.get(pair.need_id, 0) > 0 and offer_left.get(pair.offer_id, 0) > 0:
            need_left[pair.need_id] -= 1
            offer_left[pair.offer_id] -= 1
            chosen.append(pair)
    return chosen


def assign_optimal(
    pairs: Sequence[ScoredPair],
    *,
    need_slots: Mapping[int, int],
    offer_slots: Mapping[int, int],
) -> list[ScoredPair]:
    """The set of pairs with the highest total score that fits the slots.

    Steps: a network source → need (capacity: need slots) → offer (capacity 1, cost -score) →
    sink (capacity: offer slots), plus a zero-cost bypass source → sink so that flow need not be
    forced through poor pairs. The source supplies every need slot; the minimum-cost flow then
    routes through pairs exactly where they add score. Arcs carrying flow are the chosen pairs.
    """
    usable = [
        pair
        for pair in pairs
        if need_slots.get(pair.need_id, 0) > 0 and offer_slots.get(pair.offer_id, 0) > 0
    ]
    if not usable:
        return []
    need_ids = sorted({pair.need_id for pair in usable})
    offer_ids = sorted({pair.offer_id for pair in usable})
    source, sink = 0, 1
    need_node = {need_id: 2 + index for index, need_id in enumerate(need_ids)}
    offer_node = {offer_id: 2 + len(need_ids) + index for index, offer_id in enumerate(offer_ids)}

    flow = min_cost_flow.SimpleMinCostFlow()
    supply = 0
    for need_id in need_ids:
        slots = need_slots[need_id]
        supply += slots
        flow.add_arc_with_capacity_and_unit_cost(source, need_node[need_id], slots, 0)
    pair_arcs = [
        flow.add_arc_with_capacity_and_unit_cost(
            need_node[pair.need_id],
            offer_node[pair.offer_id],
            1,
            -round(pair.score * SCORE_SCALE),
        )
        for pair in usable
    ]
    for offer_id in offer_ids:
        flow.add_arc_with_capacity_and_unit_cost(
            offer_node[offer_id], sink, offer_slots[offer_id], 0
        )
    flow.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)
    flow.set_node_supply(source, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        # Cannot happen with the bypass arc (a feasible flow always exists); fall back rather
        # than lose a pass if OR-Tools ever disagrees.
        return assign_greedy(pairs, need_slots=need_slots, offer_slots=offer_slots)
    chosen = [pair for pair, arc in zip(usable, pair_arcs, strict=True) if flow.flow(arc) > 0]
    return _ordered(chosen)


def total_score(pairs: Sequence[ScoredPair]) -> float:
    return sum(pair.score for pair in pairs)
