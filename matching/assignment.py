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

Both count proposals. ``assign_units`` (what the engine calls) adds the units of capacity
(beds, seats, items: posts/units.py): every offer's chosen proposals fit together in what it
has left, not just each one alone. Proposals are alternatives a coordinator picks from, but
the engine never proposes more than an offer could give if every one were approved: a
coordinator may approve any of them, and a family is never told of a room that a proposal
made at the same time has already filled. A need that several offers may fill (material aid)
takes from each chosen offer what it still lacks, up to what the offer has left; its proposals
are alternatives as well, and approving one lowers what the others may take.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

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


@dataclass(frozen=True)
class UnitBudget:
    """Units of capacity: what each need takes and what each offer has left.

    ``need_units``: a need's whole demand (its people for a room or a lift, 1 for a session),
    or, for the needs in ``partial_needs``, what it still lacks (each of its proposals takes
    that much of its offer, or what the offer has left if less). ``offer_room``: an offer's
    capacity less the units of its open and held matches. Ids missing from a mapping take 1 and
    have nothing left respectively."""

    need_units: Mapping[int, int]
    offer_room: Mapping[int, int]
    partial_needs: Collection[int] = frozenset()


def _dense_values(ids: IntArray, values: Mapping[int, int], default: int) -> tuple[IntArray, list]:
    """Each pair's position among the distinct ids, and each distinct id's value, as a list."""
    distinct, position = np.unique(ids, return_inverse=True)
    return position, [values.get(i, default) for i in distinct.tolist()]


def assign_units(
    pairs: ScoredPairs,
    *,
    need_slots: Mapping[int, int],
    offer_slots: Mapping[int, int],
    budget: UnitBudget,
    optimal: bool,
) -> tuple[ScoredPairs, IntArray]:
    """The chosen pairs, best first, and the units each takes of its offer.

    Steps: drop the pairs that do not fit even alone; choose within the slots (greedy, or the
    optimal flow, which counts proposals but not units); walk the choice best first, keeping
    each pair while both have a slot and its units fit what its offer has left (a partial
    need's pair takes what the need lacks, up to that); then, if the walk dropped any, offer the
    slots and units left to the other pairs, best first, so that none is wasted.
    """
    if len(pairs) == 0:
        return pairs, np.zeros(0, dtype=np.int64)
    need_of, need_free = _dense_values(pairs.need_id, need_slots, 0)
    offer_of, offer_free = _dense_values(pairs.offer_id, offer_slots, 0)
    _, need_left = _dense_values(pairs.need_id, budget.need_units, 1)
    _, offer_left = _dense_values(pairs.offer_id, budget.offer_room, 0)
    partial_ids = np.fromiter(budget.partial_needs, dtype=np.int64, count=len(budget.partial_needs))
    partial = np.isin(np.unique(pairs.need_id), partial_ids).tolist()
    # What a pair takes at least: a partial need any single item, another its whole demand.
    at_least = np.where(np.array(partial, dtype=bool), 1, np.array(need_left, dtype=np.int64))
    fits = at_least[need_of] <= np.array(offer_left, dtype=np.int64)[offer_of]
    # Plain lists: the walk below touches one element at a time, where NumPy is slow.
    fits_alone = fits.tolist()
    units = [0] * len(pairs)
    need_list, offer_list = need_of.tolist(), offer_of.tolist()

    def walk(positions: list[int]) -> int:
        dropped = 0
        for position in positions:
            if units[position] or not fits_alone[position]:
                continue
            need, offer = need_list[position], offer_list[position]
            if need_free[need] <= 0 or offer_free[offer] <= 0:
                dropped += 1
                continue
            room, wanted = offer_left[offer], need_left[need]
            taken = min(wanted, room) if partial[need] else wanted
            if taken <= 0 or taken > room:
                dropped += 1
                continue
            units[position] = taken
            need_free[need] -= 1
            offer_free[offer] -= 1
            offer_left[offer] = room - taken
        return dropped

    order = _best_first(pairs)
    if optimal:
        fitting = np.flatnonzero(fits)
        flow = assign_optimal(pairs.take(fitting), need_slots=need_slots, offer_slots=offer_slots)
        # The flow's pairs, found back among all pairs by their (need, offer) key.
        wide = bool(pairs.need_id.max() >= 2**31 or pairs.offer_id.max() >= 2**32)
        keys = _pair_keys(pairs.need_id, pairs.offer_id, wide=wide)
        in_flow = np.isin(keys, _pair_keys(flow.need_id, flow.offer_id, wide=wide))
        if walk(order[in_flow[order]].tolist()):
            # Only pairs whose need and offer both kept a slot can still be taken (slots only
            # ever go down): walking just those, best first, is the walk over all of them.
            open_pair = (
                fits
                & (np.array(need_free)[need_of] > 0)
                & (np.array(offer_free)[offer_of] > 0)
                & (np.array(units) == 0)
            )
            walk(order[open_pair[order]].tolist())
    else:
        walk(order.tolist())
    taken = np.array(units, dtype=np.int64)
    chosen = np.flatnonzero(taken)
    best = _best_first(pairs.take(chosen))
    return pairs.take(chosen[best]), taken[chosen[best]]


def _pair_keys(need_id: IntArray, offer_id: IntArray, *, wide: bool) -> np.ndarray:
    """One value per (need, offer) pair: an integer while the ids fit in 31 and 32 bits (always,
    in practice), else (``wide``) the pair itself as a record."""
    if not wide:
        return need_id.astype(np.int64) << 32 | offer_id.astype(np.int64)
    keys = np.empty(len(need_id), dtype=[("need", np.int64), ("offer", np.int64)])
    keys["need"], keys["offer"] = need_id, offer_id
    return keys


def total_score(pairs: ScoredPairs) -> float:
    return float(pairs.score.sum())
