"""The baselines the matcher is measured against, each generating the same candidates:

- the NumPy brute force: every need against every offer, the rules as a mask, top k (only at the
  10 000 baseline size: it is O(N²));
- a scipy ``cKDTree`` per root category on the EPSG:3035 points: the k nearest, filtered by the
  rules, widened until k fit or nothing more lies within reach;
- the plain PostGIS query a competent developer would write: one ``LATERAL`` nearest-first probe
  per need on the ordinary GiST index of ``offers_offer.location`` (geography), the rules in
  ``WHERE``, taken from ``matching/candidates.py`` itself, and no precomputed keys or boxes.

Candidates as the matcher defines them (``matching/candidates.py``): for every need, the ``k``
nearest offers that fit and are within reach, and for a remote need also the ``k`` nearest
remote offers that fit, at any distance; a pair found both ways counts once.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from bench.rules import distance_m, pair_fits, within_reach


@dataclass(frozen=True)
class Pairs:
    """Candidate pairs as positions in the synthetic arrays (not database ids)."""

    need: np.ndarray
    offer: np.ndarray
    distance_m: np.ndarray

    def __len__(self) -> int:
        return len(self.need)

    @classmethod
    def union(cls, parts: Sequence[Pairs]) -> Pairs:
        """All parts, each pair once (a remote pair within reach comes from both probes)."""
        if not parts:
            return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))
        need = np.concatenate([part.need for part in parts]).astype(np.int64)
        offer = np.concatenate([part.offer for part in parts]).astype(np.int64)
        distance = np.concatenate([part.distance_m for part in parts])
        _, first = np.unique(need * (offer.max(initial=0) + 1) + offer, return_index=True)
        return cls(need[first], offer[first], distance[first])

    def as_set(self) -> set[tuple[int, int]]:
        return set(zip(self.need.tolist(), self.offer.tolist(), strict=True))


def _top_k(masked: np.ndarray, k: int, need_rows: np.ndarray) -> Pairs:
    """The up to ``k`` smallest finite entries of each row of ``masked``."""
    k = min(k, masked.shape[1])
    if k < masked.shape[1]:
        top = np.argpartition(masked, k - 1, axis=1)[:, :k]
    else:
        top = np.broadcast_to(np.arange(k), masked.shape)
    distance = np.take_along_axis(masked, top, axis=1)
    rows, columns = np.nonzero(np.isfinite(distance))
    return Pairs(need_rows[rows], top[rows, columns], distance[rows, columns])


def numpy_candidates(
    offers, needs, k: int, *, details: bool = True, chunk: int = 500
) -> Iterator[Pairs]:
    """Every need against every offer with the matcher's rules (``bench.rules``), in chunks of
    needs so the matrices fit in memory; yields each chunk's candidate pairs."""
    offer_row = np.arange(offers.size)[None, :]
    for low in range(0, needs.size, chunk):
        high = min(low + chunk, needs.size)
        need_column = np.arange(low, high)[:, None]
        distance = distance_m(offers, offer_row, needs, need_column)
        fits = pair_fits(offers, offer_row, needs, need_column, details=details)
        reach = within_reach(offers, offer_row, needs, need_column, distance)
        parts = [_top_k(np.where(fits & reach, distance, np.inf), k, need_column[:, 0])]
        remote_rows = np.flatnonzero(needs.remote[low:high])
        if len(remote_rows):
            remote = fits[remote_rows] & offers.remote[None, :]
            parts.append(
                _top_k(np.where(remote, distance[remote_rows], np.inf), k, low + remote_rows)
            )
        yield Pairs.union(parts)


def numpy_bruteforce(offers, needs, k: int, *, details: bool = True) -> Pairs:
    return Pairs.union(list(numpy_candidates(offers, needs, k, details=details)))


def _nearest_fitting(
    tree,
    offer_positions: np.ndarray,
    offers,
    needs,
    need_positions: np.ndarray,
    k: int,
    *,
    bound_m: float,
    reach: bool,
    details: bool,
    workers: int,
) -> list[Pairs]:
    """Steps: ask the tree for a few more than ``k`` neighbours of each need (within
    ``bound_m``); keep the first ``k`` that fit; for the needs with fewer than ``k`` whose last
    neighbour was still found (more may lie within the bound), ask again for four times as many."""
    pairs: list[Pairs] = []
    pending = need_positions
    asked = 2 * k
    xy = np.column_stack([needs.x, needs.y])
    while len(pending):
        asked = min(asked, len(offer_positions))
        distance, position = tree.query(
            xy[pending], k=asked, distance_upper_bound=bound_m, workers=workers
        )
        distance = distance.reshape(len(pending), asked)
        position = position.reshape(len(pending), asked)
        found = np.isfinite(distance)
        offer = offer_positions[np.minimum(position, len(offer_positions) - 1)]
        need = pending[:, None]
        fits = found & pair_fits(offers, offer, needs, need, details=details)
        if reach:
            fits &= within_reach(offers, offer, needs, need, distance)
        rank = np.cumsum(fits, axis=1)
        more = (rank[:, -1] < k) & found[:, -1] & (asked < len(offer_positions))
        take = fits & (rank <= k) & ~more[:, None]
        rows, columns = np.nonzero(take)
        pairs.append(Pairs(pending[rows], offer[rows, columns], distance[rows, columns]))
        pending = pending[more]
        asked *= 4
    return pairs


def ckdtree_candidates(offers, needs, k: int, *, details: bool = True, workers: int = 1) -> Pairs:
    """The same candidates from in-memory KD-trees: per root category (offers of other roots
    never fit), one tree of its offers, searched within each need's largest possible reach (its
    radius plus the root's largest offer radius), and one of its remote offers for remote needs,
    searched without a bound."""
    from scipy.spatial import cKDTree

    parts: list[Pairs] = []
    for root in np.unique(needs.root):
        offer_positions = np.flatnonzero(offers.root == root)
        need_positions = np.flatnonzero(needs.root == root)
        if not len(offer_positions):
            continue
        tree = cKDTree(np.column_stack([offers.x[offer_positions], offers.y[offer_positions]]))
        widest_offer_m = float(offers.radius[offer_positions].max()) * 1000.0
        for radius in np.unique(needs.radius[need_positions]):
            parts += _nearest_fitting(
                tree, offer_positions, offers, needs,
                need_positions[needs.radius[need_positions] == radius], k,
                bound_m=float(radius) * 1000.0 + widest_offer_m, reach=True, details=details,
                workers=workers,
            )  # fmt: skip
        remote_offers = offer_positions[offers.remote[offer_positions]]
        remote_needs = need_positions[needs.remote[need_positions]]
        if len(remote_offers) and len(remote_needs):
            remote_tree = cKDTree(
                np.column_stack([offers.x[remote_offers], offers.y[remote_offers]])
            )
            parts += _nearest_fitting(
                remote_tree, remote_offers, offers, needs, remote_needs, k, bound_m=np.inf,
                reach=False, details=details, workers=workers,
            )  # fmt: skip
    return Pairs.union(parts)


# ---------------------------------------------------------------------------------------------
# Plain PostGIS


def matcher_reads_details() -> bool:
    """Whether the matcher's candidate SQL reads the posts' details (issue 13's rules), so the
    in-memory baselines apply the same rules as the matcher under test, no more, no fewer."""
    from matching import candidates

    return bool(re.search(r"\b[on]\.(details|people_count)\b", inspect.getsource(candidates)))


def _detail_fragments() -> list[str]:
    """SQL fragments of ``matching/candidates.py`` named ``_DETAIL...`` that ``_PAIR_RULES`` does
    not already contain: where the detail rules live is another change's choice, and the
    baseline picks them up either way."""
    from matching import candidates

    return [
        value
        for name, value in vars(candidates).items()
        if name.startswith("_DETAIL")
        and isinstance(value, str)
        and value not in candidates._PAIR_RULES
    ]


# The query a competent developer writes: a nearest-first probe per need on the ordinary
# geography index, every rule in WHERE. The rules come from the matcher's own fragments; the
# category rule is spelled out, since the matcher's version of it is its precomputed keys.
_PLAIN = """
SELECT n.id, c.offer_id, c.distance_m
FROM needs_need n
JOIN posts_category need_category ON need_category.id = n.category_id
CROSS JOIN LATERAL (
    SELECT o.id AS offer_id, o.location_3035 <-> n.location_3035 AS distance_m
    FROM offers_offer o
    WHERE (o.category_id = n.category_id OR o.category_id = need_category.parent_id)
      AND {offer_valid}
      AND {reach}
      AND {pair_rules}
      AND {fits_units}
      {detail_rules}
    ORDER BY o.location <-> n.location
    LIMIT %(limit)s
) c
WHERE {need_valid} AND n.id >= %(low)s AND n.id < %(high)s {need_filter}
"""


def ensure_plain_index() -> str:
    """The ordinary GiST index on ``offers_offer.location`` (GeoDjango creates one for the
    ``PointField``); created if a migration ever drops it. Returns its name."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'offers_offer' "
            "AND indexdef ILIKE '%%USING gist (location)%%'"
        )
        row = cursor.fetchone()
        if row:
            return row[0]
        cursor.execute(
            "CREATE INDEX bench_offers_location_gist ON offers_offer USING gist (location)"
        )
        cursor.execute("ANALYZE offers_offer")
        return "bench_offers_location_gist"


def postgis_plain_chunk(id_range: tuple[int, int], *, today, limit: int):
    """The plain query's candidates for the needs with ids in ``id_range`` (same settings per
    probe transaction as the matcher: ``_probing``)."""
    from matching import candidates

    common = {
        "offer_valid": candidates._valid("o"),
        "need_valid": candidates._valid("n"),
        "pair_rules": candidates._PAIR_RULES,
        # From an empty Match table every offer has its whole capacity: "{}" is no room taken.
        "fits_units": getattr(candidates, "_FITS_UNITS", "TRUE"),
        "detail_rules": "".join(f"AND {fragment}" for fragment in _detail_fragments()),
    }
    params = {
        "today": today,
        "limit": limit,
        "low": id_range[0],
        "high": id_range[1],
        "offer_room": "{}",
    }
    spatial = _PLAIN.format(reach=candidates._REACH, need_filter="", **common)
    remote = _PLAIN.format(reach="o.remote", need_filter="AND n.remote", **common)
    with candidates._probing() as cursor:
        found = candidates._columns(cursor, spatial, params)
        return found.union(candidates._columns(cursor, remote, params))
