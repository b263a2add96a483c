"""How good a pairing of an offer with a need is: pure, typed functions over plain data.

No ORM here: ``engine.py`` turns rows into the arrays below, so the scoring is tested in
milliseconds and benchmarked on its own. Every factor is a number in [0, 1] where 1 is best; the
score is their weighted mean (weights from ``settings.POMOC_MATCHING_WEIGHTS``), so it is in
[0, 1] too and each factor's part can be shown to a coordinator.

The functions work on NumPy arrays, one element per pair, because a full pass scores hundreds of
thousands of pairs (a Python loop over them took 6 s at 100 000 x 100 000; this takes tens of
milliseconds). Scalars work too; ``score_pair`` scores one pair with the very same code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from posts.units import PARTIAL_ROOTS, PER_PERSON_ROOTS

FACTORS = ("distance", "language", "urgency", "waiting", "freshness", "verified", "fit")

# A remote pair that is also out of physical reach still works, but meeting in person is better.
REMOTE_DISTANCE_FACTOR = 0.5
# Distance decays exponentially relative to the reach (offer radius + need radius): at the edge
# of the reach the factor is exp(-2) ≈ 0.14, half-way it is ≈ 0.37.
DISTANCE_DECAY = 2.0
# A need waiting this many days gets 1 - 1/e ≈ 0.63 of the waiting factor (old needs rise).
WAITING_SCALE_DAYS = 14.0
# An offer this many days old has 1/e ≈ 0.37 of the freshness factor (stale offers sink).
FRESHNESS_SCALE_DAYS = 30.0
MAX_URGENCY = 4
# What a coordinator is shown: factors to 4 decimals, the distance to 10 m.
FACTOR_DECIMALS = 4
DISTANCE_DECIMALS = 2

# How an offer's capacity meets a need's size (issue 13): NO_FIT where capacity counts sessions
# (any offer fits any need), WHOLE where the need must fit in one offer (beds for a family, seats
# for a group: a room for six should go to a family of six before a couple), PARTIAL where
# several offers may cover one need (items: an offer covering the whole need is better).
NO_FIT, WHOLE, PARTIAL = 0, 1, 2
# From the one table of capacity units (posts/units.py, pure like this module).
FIT_BY_ROOT = {**dict.fromkeys(PER_PERSON_ROOTS, WHOLE), **dict.fromkeys(PARTIAL_ROOTS, PARTIAL)}

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def _floats(values: npt.ArrayLike) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


@dataclass(frozen=True, slots=True)
class OfferData:
    id: int
    radius_km: float
    remote: bool
    languages: frozenset[str]
    age_days: float
    verified_organisation: bool
    capacity: int = 1


@dataclass(frozen=True, slots=True)
class NeedData:
    id: int
    radius_km: float
    remote: bool
    languages: frozenset[str]
    urgency: int
    waiting_days: float
    # How many units of an offer's capacity the need takes, and how (NO_FIT, WHOLE, PARTIAL).
    units: int = 1
    fit_kind: int = NO_FIT


@dataclass(frozen=True, slots=True)
class PairInputs:
    """What the scores of P pairs depend on: one array of length P per attribute."""

    need_id: IntArray
    offer_id: IntArray
    distance_km: FloatArray
    offer_radius_km: FloatArray
    need_radius_km: FloatArray
    offer_remote: BoolArray
    need_remote: BoolArray
    shared_languages: FloatArray
    need_languages: FloatArray
    urgency: FloatArray
    waiting_days: FloatArray
    offer_age_days: FloatArray
    verified_organisation: BoolArray
    need_units: FloatArray
    offer_units: FloatArray
    fit_kind: IntArray

    @classmethod
    def of_pair(cls, *, offer: OfferData, need: NeedData, distance_km: float) -> PairInputs:
        return cls(
            need_id=np.array([need.id], dtype=np.int64),
            offer_id=np.array([offer.id], dtype=np.int64),
            distance_km=_floats([distance_km]),
            offer_radius_km=_floats([offer.radius_km]),
            need_radius_km=_floats([need.radius_km]),
            offer_remote=np.array([offer.remote]),
            need_remote=np.array([need.remote]),
            shared_languages=_floats([len(offer.languages & need.languages)]),
            need_languages=_floats([len(need.languages)]),
            urgency=_floats([need.urgency]),
            waiting_days=_floats([need.waiting_days]),
            offer_age_days=_floats([offer.age_days]),
            verified_organisation=np.array([offer.verified_organisation]),
            need_units=_floats([need.units]),
            offer_units=_floats([offer.capacity]),
            fit_kind=np.array([need.fit_kind], dtype=np.int64),
        )


@dataclass(frozen=True, slots=True)
class ScoredPair:
    need_id: int
    offer_id: int
    score: float
    factors: Mapping[str, float]
    distance_km: float


@dataclass(frozen=True, slots=True)
class ScoredPairs:
    """P scored pairs as columns; ``factors`` maps each factor's name to its P values."""

    need_id: IntArray
    offer_id: IntArray
    score: FloatArray
    distance_km: FloatArray
    factors: Mapping[str, FloatArray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.score)

    def take(self, index: npt.ArrayLike) -> ScoredPairs:
        return ScoredPairs(
            need_id=self.need_id[index],
            offer_id=self.offer_id[index],
            score=self.score[index],
            distance_km=self.distance_km[index],
            factors={name: values[index] for name, values in self.factors.items()},
        )

    def pair(self, position: int) -> ScoredPair:
        return ScoredPair(
            need_id=int(self.need_id[position]),
            offer_id=int(self.offer_id[position]),
            score=float(self.score[position]),
            factors={name: float(values[position]) for name, values in self.factors.items()},
            distance_km=float(self.distance_km[position]),
        )

    def __iter__(self) -> Iterator[ScoredPair]:
        return (self.pair(position) for position in range(len(self)))

    def best_first(self) -> ScoredPairs:
        """Best score first; ties by need, then offer, so the order is always the same."""
        return self.take(np.lexsort((self.offer_id, self.need_id, -self.score)))

    @classmethod
    def concatenate(cls, parts: Sequence[ScoredPairs]) -> ScoredPairs:
        if not parts:
            return cls.of([])
        return cls(
            need_id=np.concatenate([part.need_id for part in parts]),
            offer_id=np.concatenate([part.offer_id for part in parts]),
            score=np.concatenate([part.score for part in parts]),
            distance_km=np.concatenate([part.distance_km for part in parts]),
            factors={
                name: np.concatenate([part.factors[name] for part in parts])
                for name in parts[0].factors
            },
        )

    @classmethod
    def of(cls, pairs: Sequence[ScoredPair]) -> ScoredPairs:
        names = {name for pair in pairs for name in pair.factors}
        return cls(
            need_id=np.array([pair.need_id for pair in pairs], dtype=np.int64),
            offer_id=np.array([pair.offer_id for pair in pairs], dtype=np.int64),
            score=_floats([pair.score for pair in pairs]),
            distance_km=_floats([pair.distance_km for pair in pairs]),
            factors={name: _floats([pair.factors[name] for pair in pairs]) for name in names},
        )


def distance_factor(
    *, distance_km: npt.ArrayLike, reach_km: npt.ArrayLike, both_remote: npt.ArrayLike
) -> FloatArray:
    """1 next door, decaying with distance relative to the reach; 0 beyond it unless remote."""
    distance, reach = _floats(distance_km), _floats(reach_km)
    # A zero reach (both radii 0) still matches the very same spot.
    relative = np.divide(distance, reach, out=np.zeros_like(distance * reach), where=reach > 0)
    in_person = np.where(distance > reach, 0.0, np.exp(-DISTANCE_DECAY * relative))
    return np.where(both_remote, np.maximum(in_person, REMOTE_DISTANCE_FACTOR), in_person)


def language_factor(*, shared: npt.ArrayLike, need_languages: npt.ArrayLike) -> FloatArray:
    """The share of the need's languages the offer speaks (one shared language is required)."""
    shared, total = _floats(shared), _floats(need_languages)
    return np.divide(shared, total, out=np.zeros_like(shared * total), where=total > 0)


def urgency_factor(urgency: npt.ArrayLike) -> FloatArray:
    """Low urgency 0, critical 1."""
    return np.clip((_floats(urgency) - 1) / (MAX_URGENCY - 1), 0.0, 1.0)


def waiting_factor(waiting_days: npt.ArrayLike) -> FloatArray:
    """Grows with how long the need has waited, so old needs are not starved by new ones."""
    return 1.0 - np.exp(-np.maximum(_floats(waiting_days), 0.0) / WAITING_SCALE_DAYS)


def freshness_factor(age_days: npt.ArrayLike) -> FloatArray:
    """A new offer is more likely still meant than one posted months ago."""
    return np.exp(-np.maximum(_floats(age_days), 0.0) / FRESHNESS_SCALE_DAYS)


def fit_factor(
    *, need_units: npt.ArrayLike, offer_units: npt.ArrayLike, kind: npt.ArrayLike
) -> FloatArray:
    """1 for a snug fit. WHOLE: the share of the offer the need fills (a family of six in a room
    for six 1, a couple 1/3); PARTIAL: the share of the need the offer covers; NO_FIT: 1."""
    need, offer, kind = _floats(need_units), _floats(offer_units), np.asarray(kind)
    fills = np.divide(need, offer, out=np.ones_like(need * offer), where=offer > 0)
    covers = np.divide(
        np.minimum(need, offer), need, out=np.ones_like(need * offer), where=need > 0
    )
    fit = np.where(kind == WHOLE, fills, np.where(kind == PARTIAL, covers, 1.0))
    return np.clip(fit, 0.0, 1.0)


def pair_factors(pairs: PairInputs) -> dict[str, FloatArray]:
    return {
        "distance": distance_factor(
            distance_km=pairs.distance_km,
            reach_km=pairs.offer_radius_km + pairs.need_radius_km,
            both_remote=pairs.offer_remote & pairs.need_remote,
        ),
        "language": language_factor(
            shared=pairs.shared_languages, need_languages=pairs.need_languages
        ),
        "urgency": urgency_factor(pairs.urgency),
        "waiting": waiting_factor(pairs.waiting_days),
        "freshness": freshness_factor(pairs.offer_age_days),
        "verified": pairs.verified_organisation.astype(np.float64),
        "fit": fit_factor(
            need_units=pairs.need_units, offer_units=pairs.offer_units, kind=pairs.fit_kind
        ),
    }


def weighted_score(
    factors: Mapping[str, npt.ArrayLike], weights: Mapping[str, float]
) -> FloatArray:
    """The weighted mean of the factors; factors without a weight count for nothing."""
    total_weight = sum(weights.get(name, 0.0) for name in factors)
    if total_weight <= 0:
        return np.zeros_like(_floats(next(iter(factors.values()), 0.0)))
    weighted = sum(_floats(value) * weights.get(name, 0.0) for name, value in factors.items())
    return _floats(weighted) / total_weight


def score_pairs(pairs: PairInputs, weights: Mapping[str, float]) -> ScoredPairs:
    factors = pair_factors(pairs)
    return ScoredPairs(
        need_id=pairs.need_id,
        offer_id=pairs.offer_id,
        score=weighted_score(factors, weights),
        distance_km=pairs.distance_km,
        factors=factors,
    )


def score_pair(
    *, offer: OfferData, need: NeedData, distance_km: float, weights: Mapping[str, float]
) -> ScoredPair:
    inputs = PairInputs.of_pair(offer=offer, need=need, distance_km=distance_km)
    return score_pairs(inputs, weights).pair(0)


def explanation_columns(pairs: ScoredPairs) -> dict[str, FloatArray]:
    """What a coordinator is shown of each pair, rounded, as columns: each factor by name, and
    ``distance_km``. The engine turns them into each Match's explanation in one statement."""
    columns = {name: np.round(values, FACTOR_DECIMALS) for name, values in pairs.factors.items()}
    columns["distance_km"] = np.round(pairs.distance_km, DISTANCE_DECIMALS)
    return columns


def explanation(pair: ScoredPair, weights: Mapping[str, float]) -> dict[str, object]:
    """What a coordinator sees of one pair: each factor, its weight, and the distance."""
    columns = explanation_columns(ScoredPairs.of([pair]))
    return {
        "factors": {name: float(columns[name][0]) for name in pair.factors},
        "weights": {name: weights.get(name, 0.0) for name in pair.factors},
        "distance_km": float(columns["distance_km"][0]),
    }
