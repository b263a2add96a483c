"""The benchmark compares like with like: on its own synthetic data, the baselines and the matcher
find the same candidate pairs, remote needs included, so every speed-up is for the same answer;
and the README's table is the one of the committed results."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from bench import baselines, report
from bench import matching as bench
from bench.rules import FLAG_BITS, pair_fits, within_reach
from matching import candidates
from matching.candidates import offers_for_needs
from needs.models import Need
from offers.models import Offer

K = 6


@pytest.fixture
def loaded(db):
    """1 000 offers and 1 000 needs of the benchmark's own kind, in the test database."""
    now = timezone.now()
    categories, owners, organisations = bench.prepare_fixed_rows(now)
    data = {
        kind: bench.Synthetic(
            size=1000,
            seed=3,
            kind=kind,
            categories=categories,
            owners=owners,
            organisations=organisations,
        )
        for kind in ("offer", "need")
    }
    bench.load(connection.connection, "offers_offer", data["offer"], "offer", now)
    bench.load(connection.connection, "needs_need", data["need"], "need", now)
    # COPY gives ids in the order of the synthetic rows.
    offer_ids = np.array(Offer.objects.order_by("pk").values_list("pk", flat=True))
    need_ids = np.array(Need.objects.order_by("pk").values_list("pk", flat=True))
    return data["offer"], data["need"], offer_ids, need_ids


def _by_ids(pairs: baselines.Pairs, need_ids, offer_ids) -> set[tuple[int, int]]:
    return set(zip(need_ids[pairs.need].tolist(), offer_ids[pairs.offer].tolist(), strict=True))


def test_the_baselines_and_the_matcher_find_the_same_candidates_remote_needs_included(loaded):
    offers, needs, offer_ids, need_ids = loaded
    details = baselines.matcher_reads_details()
    brute = baselines.numpy_bruteforce(offers, needs, K, details=details)
    expected = _by_ids(brute, need_ids, offer_ids)
    found = offers_for_needs(
        today=timezone.localdate(), need_ids=None, full_offer_ids=[], limit=K, per_need=10**6,
        per_offer=10**6,
    )  # fmt: skip
    matcher = set(zip(found.need_id.tolist(), found.offer_id.tolist(), strict=True))

    assert len(expected) > 1500
    remote_need_ids = set(need_ids[needs.remote].tolist())
    assert len({need for need, _offer in expected if need in remote_need_ids}) > 50
    # Recall: the matcher finds the brute force's pairs (the same planar EPSG:3035 distances,
    # so only a tie for the k-th place could differ).
    assert len(expected & matcher) / len(expected) >= 0.999
    # Precision: every pair the matcher proposes is feasible by the brute force's rules.
    position_of_need = {need_id: i for i, need_id in enumerate(need_ids.tolist())}
    position_of_offer = {offer_id: i for i, offer_id in enumerate(offer_ids.tolist())}
    need = np.array([position_of_need[n] for n in found.need_id.tolist()])
    offer = np.array([position_of_offer[o] for o in found.offer_id.tolist()])
    distance = np.hypot(offers.x[offer] - needs.x[need], offers.y[offer] - needs.y[need])
    reach = within_reach(offers, offer, needs, need, distance + 0.01)  # a centimetre of rounding
    feasible = pair_fits(offers, offer, needs, need, details=details) & (
        reach | (offers.remote[offer] & needs.remote[need])
    )
    assert feasible.all(), list(zip(need[~feasible], offer[~feasible], strict=True))[:5]
    # The KD-tree finds exactly the brute force's pairs.
    assert (
        _by_ids(
            baselines.ckdtree_candidates(offers, needs, K, details=details), need_ids, offer_ids
        )
        == expected
    )


def test_the_plain_postgis_baseline_finds_the_same_candidates(loaded):
    _offers, _needs, offer_ids, need_ids = loaded
    today = timezone.localdate()
    details = baselines.matcher_reads_details()
    expected = _by_ids(
        baselines.numpy_bruteforce(*loaded[:2], K, details=details), need_ids, offer_ids
    )
    found = baselines.postgis_plain_chunk(
        (int(need_ids.min()), int(need_ids.max()) + 1), today=today, limit=K
    )
    plain = set(zip(found.need_id.tolist(), found.offer_id.tolist(), strict=True))
    # Ordered by the geography's distance, not the plane's: only a near tie for the k-th place
    # may come out the other way.
    assert len(expected & plain) / len(expected) >= 0.995
    assert len(expected & plain) / len(plain) >= 0.995


def test_the_plain_postgis_baseline_picks_up_a_detail_rule_fragment_of_the_matcher(
    loaded, monkeypatch
):
    # Given the matcher's SQL gained a detail rule that no offer passes
    _offers, _needs, _offer_ids, need_ids = loaded
    id_range = (int(need_ids.min()), int(need_ids.max()) + 1)
    today = timezone.localdate()
    assert len(baselines.postgis_plain_chunk(id_range, today=today, limit=K)) > 1500
    monkeypatch.setattr(candidates, "_DETAIL_RULES", "o.capacity < 0", raising=False)
    # then the plain baseline applies it too
    assert len(baselines.postgis_plain_chunk(id_range, today=today, limit=K)) == 0


def _posts(**columns):
    size = len(next(iter(columns.values())))
    defaults = {
        "category": np.full(size, 5), "parent": np.full(size, 1), "language_mask": np.full(size, 1),
        "owner": np.arange(size) + (100 if "capacity" in columns else 0),
        "organisation": np.zeros(size, dtype=int), "flags": np.zeros(size, dtype=int),
        "language_pair": np.full(size, -1), "units_required": np.zeros(size, dtype=int),
    }  # fmt: skip
    return SimpleNamespace(**(defaults | columns))


def test_the_baselines_detail_rules_refuse_the_offers_issue_13_calls_infeasible():
    # Given a family of four with a dog and a wheelchair, asking for accommodation
    need = _posts(
        units_required=np.array([4]), flags=np.array([FLAG_BITS["pets"] | FLAG_BITS["accessible"]])
    )
    offers = _posts(
        capacity=np.array([2, 4, 4, 6]),
        flags=np.array([3, 1, 3, 3]),  # pets + access, pets only, pets + access, pets + access
    )
    # then only the offers with four beds or more, pets and access fit
    fits = pair_fits(offers, np.arange(4), need, np.zeros(4, dtype=int))
    assert fits.tolist() == [False, False, True, True]
    # and without the detail rules (a matcher before issue 13) all of them would
    assert pair_fits(offers, np.arange(4), need, np.zeros(4, dtype=int), details=False).all()


def test_an_interpreting_need_fits_only_an_offer_of_its_language_pair_in_either_order():
    cs_uk = 0 * 8 + 1
    need = _posts(language_pair=np.array([cs_uk]))
    offers = _posts(capacity=np.ones(3, dtype=int), language_pair=np.array([cs_uk, 0 * 8 + 2, -1]))
    assert pair_fits(offers, np.arange(3), need, np.zeros(3, dtype=int)).tolist() == [
        True,
        False,
        False,
    ]


def test_the_readme_benchmark_table_is_the_one_of_the_committed_results():
    results = json.loads(report.RESULTS.read_text())
    readme = report.README.read_text()
    assert report.START in readme and report.END in readme
    assert report.readme_with_table(readme, results) == readme
