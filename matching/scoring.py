"""How good a pairing of an offer with a need is: pure, typed functions over plain data.

No ORM here: ``engine.py`` turns rows into the dataclasses below, so the scoring is tested in
milliseconds and benchmarked on its own. Every factor is a number in [0, 1] where 1 is best; the
score is their weighted mean (weights from ``settings.POMOC_MATCHING_WEIGHTS``), so it is in
[0, 1] too and each factor's part can be shown to a coordinator.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

FACTORS = ("distance", "language", "urgency", "waiting", "freshness", "verified")

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


@dataclass(frozen=True, slots=True)
class OfferData:
    id: int
    radius_km: float
    remote: bool
    languages: frozenset[str]
    age_days: float
    verified_organisation: bool


@dataclass(frozen=True, slots=True)
class NeedData:
    id: int
    radius_km: float
    remote: bool
    languages: frozenset[str]
    urgency: int
    waiting_days: float


@dataclass(frozen=True, slots=True)
class ScoredPair:
    need_id: int
    offer_id: int
    score: float
    factors: Mapping[str, float]
    distance_km: float


def distance_factor(*, distance_km: float, reach_km: float, both_remote: bool) -> float:
    """1 next door, decaying with distance relative to the reach; 0 beyond it unless remote."""
    if distance_km > reach_km:
        in_person = 0.0
    elif reach_km <= 0:
        in_person = 1.0
    else:
        in_person = math.exp(-DISTANCE_DECAY * distance_km / reach_km)
    return max(in_person, REMOTE_DISTANCE_FACTOR) if both_remote else in_person


def language_factor(*, offer_languages: frozenset[str], need_languages: frozenset[str]) -> float:
    """The share of the need's languages the offer speaks (one shared language is required)."""
    if not need_languages:
        return 0.0
    return len(offer_languages & need_languages) / len(need_languages)


def urgency_factor(urgency: int) -> float:
    """Low urgency 0, critical 1."""
    return max(0.0, min(1.0, (urgency - 1) / (MAX_URGENCY - 1)))


def waiting_factor(waiting_days: float) -> float:
    """Grows with how long the need has waited, so old needs are not starved by new ones."""
    return 1.0 - math.exp(-max(waiting_days, 0.0) / WAITING_SCALE_DAYS)


def freshness_factor(age_days: float) -> float:
    """A new offer is more likely still meant than one posted months ago."""
    return math.exp(-max(age_days, 0.0) / FRESHNESS_SCALE_DAYS)


def pair_factors(*, offer: OfferData, need: NeedData, distance_km: float) -> dict[str, float]:
    return {
        "distance": distance_factor(
            distance_km=distance_km,
            reach_km=offer.radius_km + need.radius_km,
            both_remote=offer.remote and need.remote,
        ),
        "language": language_factor(offer_languages=offer.languages, need_languages=need.languages),
        "urgency": urgency_factor(need.urgency),
        "waiting": waiting_factor(need.waiting_days),
        "freshness": freshness_factor(offer.age_days),
        "verified": 1.0 if offer.verified_organisation else 0.0,
    }


def weighted_score(factors: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """The weighted mean of the factors; factors without a weight count for nothing."""
    total_weight = sum(weights.get(name, 0.0) for name in factors)
    if total_weight <= 0:
        return 0.0
    return sum(value * weights.get(name, 0.0) for name, value in factors.items()) / total_weight


def score_pair(
    *, offer: OfferData, need: NeedData, distance_km: float, weights: Mapping[str, float]
) -> ScoredPair:
    factors = pair_factors(offer=offer, need=need, distance_km=distance_km)
    return ScoredPair(
        need_id=need.id,
        offer_id=offer.id,
        score=weighted_score(factors, weights),
        factors=factors,
        distance_km=distance_km,
    )


def explanation(pair: ScoredPair, weights: Mapping[str, float]) -> dict[str, object]:
    """What a coordinator sees: each factor, its weight, and the distance."""
    return {
        "factors": {name: round(value, 4) for name, value in pair.factors.items()},
        "weights": {name: weights.get(name, 0.0) for name in pair.factors},
        "distance_km": round(pair.distance_km, 2),
    }
