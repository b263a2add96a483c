"""The score, factor by factor: pure functions, no database."""

from __future__ import annotations

import numpy as np
import pytest

from matching.scoring import (
    FACTORS,
    NO_FIT,
    PARTIAL,
    WHOLE,
    NeedData,
    OfferData,
    PairInputs,
    distance_factor,
    explanation,
    fit_factor,
    freshness_factor,
    language_factor,
    score_pair,
    score_pairs,
    urgency_factor,
    waiting_factor,
    weighted_score,
)

WEIGHTS = {name: 1.0 for name in FACTORS}


def offer(**changes) -> OfferData:
    values = dict(
        id=1,
        radius_km=10,
        remote=False,
        languages=frozenset({"cs", "uk"}),
        age_days=1,
        verified_organisation=False,
    )
    return OfferData(**(values | changes))


def need(**changes) -> NeedData:
    values = dict(
        id=2, radius_km=5, remote=False, languages=frozenset({"uk"}), urgency=2, waiting_days=1
    )
    return NeedData(**(values | changes))


def test_distance_factor_is_best_next_door_and_decays_towards_the_edge_of_reach():
    assert distance_factor(distance_km=0, reach_km=30, both_remote=False) == 1.0
    near = distance_factor(distance_km=5, reach_km=30, both_remote=False)
    far = distance_factor(distance_km=25, reach_km=30, both_remote=False)
    assert 1.0 > near > far > 0.0


def test_distance_factor_is_relative_to_the_reach():
    # 10 km is close for a 100 km reach and far for a 12 km one.
    assert distance_factor(distance_km=10, reach_km=100, both_remote=False) > distance_factor(
        distance_km=10, reach_km=12, both_remote=False
    )


def test_out_of_reach_scores_zero_unless_both_are_remote():
    assert distance_factor(distance_km=40, reach_km=30, both_remote=False) == 0.0
    assert distance_factor(distance_km=400, reach_km=30, both_remote=True) == 0.5


def test_zero_radius_on_both_sides_still_matches_the_same_spot():
    assert distance_factor(distance_km=0, reach_km=0, both_remote=False) == 1.0


@pytest.mark.parametrize(
    ("offer_languages", "need_languages", "expected"),
    [
        ({"cs", "uk"}, {"uk"}, 1.0),
        ({"cs"}, {"uk", "cs"}, 0.5),
        ({"cs"}, {"uk"}, 0.0),
    ],
)
def test_language_factor_is_the_share_of_the_needs_languages_spoken(
    offer_languages, need_languages, expected
):
    pair = score_pair(
        offer=offer(languages=frozenset(offer_languages)),
        need=need(languages=frozenset(need_languages)),
        distance_km=1,
        weights=WEIGHTS,
    )
    assert pair.factors["language"] == expected


def test_language_factor_of_a_need_without_languages_is_zero_not_an_error():
    assert language_factor(shared=0, need_languages=0) == 0.0


def test_urgency_waiting_and_freshness_move_the_right_way():
    assert urgency_factor(1) == 0.0
    assert urgency_factor(4) == 1.0
    assert waiting_factor(30) > waiting_factor(2) > waiting_factor(0) == 0.0
    assert freshness_factor(0) == 1.0 > freshness_factor(10) > freshness_factor(90)


def test_an_old_need_outranks_an_otherwise_equal_new_one():
    old = score_pair(offer=offer(), need=need(waiting_days=40), distance_km=2, weights=WEIGHTS)
    new = score_pair(offer=offer(), need=need(waiting_days=0), distance_km=2, weights=WEIGHTS)
    assert old.score > new.score


def test_a_verified_organisations_offer_outranks_an_otherwise_equal_one():
    verified = score_pair(
        offer=offer(verified_organisation=True), need=need(), distance_km=2, weights=WEIGHTS
    )
    plain = score_pair(offer=offer(), need=need(), distance_km=2, weights=WEIGHTS)
    assert verified.score > plain.score


def test_score_is_the_weighted_mean_so_it_stays_between_zero_and_one():
    factors = {"distance": 1.0, "language": 0.0}
    assert weighted_score(factors, {"distance": 3.0, "language": 1.0}) == 0.75
    best = score_pair(
        offer=offer(verified_organisation=True, age_days=0),
        need=need(urgency=4, waiting_days=10_000),
        distance_km=0,
        weights=WEIGHTS,
    )
    assert 0.99 < best.score <= 1.0


def test_weights_decide_what_matters():
    near_but_not_urgent = dict(offer=offer(), need=need(urgency=1), distance_km=0.5)
    far_but_critical = dict(offer=offer(), need=need(urgency=4), distance_km=12)
    distance_first = {"distance": 10.0, "urgency": 1.0}
    urgency_first = {"distance": 1.0, "urgency": 10.0}
    assert (
        score_pair(**near_but_not_urgent, weights=distance_first).score
        > score_pair(**far_but_critical, weights=distance_first).score
    )
    assert (
        score_pair(**near_but_not_urgent, weights=urgency_first).score
        < score_pair(**far_but_critical, weights=urgency_first).score
    )


def test_explanation_lists_every_factor_its_weight_and_the_distance():
    pair = score_pair(offer=offer(), need=need(), distance_km=3.14159, weights=WEIGHTS)
    explained = explanation(pair, WEIGHTS)
    assert set(explained["factors"]) == set(FACTORS)
    assert explained["weights"]["distance"] == 1.0
    assert explained["distance_km"] == 3.14


def test_scoring_many_pairs_at_once_gives_each_pair_its_own_score():
    # The full pass scores arrays of pairs, a coordinator's manual match one pair: same numbers.
    cases = [
        (offer(), need(), 2.0),
        (offer(remote=True, radius_km=2), need(remote=True, radius_km=0), 250.0),
        (offer(languages=frozenset({"cs"})), need(languages=frozenset({"cs", "uk"})), 14.0),
        (offer(verified_organisation=True, age_days=45), need(urgency=4, waiting_days=20), 0),
    ]
    singles = [score_pair(offer=o, need=n, distance_km=d, weights=WEIGHTS) for o, n, d in cases]
    inputs = [PairInputs.of_pair(offer=o, need=n, distance_km=d) for o, n, d in cases]
    batch = score_pairs(
        PairInputs(
            **{
                name: np.concatenate([getattr(one, name) for one in inputs])
                for name in PairInputs.__dataclass_fields__
            }
        ),
        WEIGHTS,
    )
    assert [round(pair.score, 12) for pair in batch] == [round(p.score, 12) for p in singles]
    assert len({pair.score for pair in singles}) == len(cases)
    assert list(batch)[1].factors["distance"] == 0.5  # remote, far beyond both radii


def test_fit_prefers_a_snug_room_and_an_offer_that_covers_the_whole_need():
    # A room for six: a family of six fills it, a couple a third of it.
    assert fit_factor(need_units=6, offer_units=6, kind=WHOLE) == 1.0
    assert fit_factor(need_units=2, offer_units=6, kind=WHOLE) == pytest.approx(1 / 3)
    # Ten coats needed: an offer of four covers 40 %, one of twenty all of it.
    assert fit_factor(need_units=10, offer_units=4, kind=PARTIAL) == pytest.approx(0.4)
    assert fit_factor(need_units=10, offer_units=20, kind=PARTIAL) == 1.0
    # Where capacity counts sessions, size does not matter.
    assert fit_factor(need_units=1, offer_units=7, kind=NO_FIT) == 1.0


def test_fit_is_part_of_the_score_and_of_the_explanation():
    family = need(units=6, fit_kind=WHOLE)
    snug = score_pair(offer=offer(capacity=6), need=family, distance_km=2, weights=WEIGHTS)
    couple = need(units=2, fit_kind=WHOLE)
    loose = score_pair(offer=offer(capacity=6), need=couple, distance_km=2, weights=WEIGHTS)
    assert snug.factors["fit"] == 1.0 and loose.factors["fit"] == pytest.approx(1 / 3)
    assert snug.score > loose.score
    assert "fit" in explanation(loose, WEIGHTS)["factors"]
