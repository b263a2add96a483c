"""The benchmark compares like with like: on its own synthetic data, the NumPy baseline and the
matcher find the same candidate pairs, so the speed-up is for the same answer."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from django.db import connection
from django.utils import timezone

from matching.candidates import offers_for_needs
from needs.models import Need
from offers.models import Offer

ROOT = Path(__file__).resolve().parents[2]
K = 6

pytestmark = pytest.mark.django_db


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_matching", ROOT / "bench" / "matching.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_numpy_baseline_and_the_matcher_find_the_same_candidates():
    bench = bench_module()
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
    needs = data["need"]

    baseline = set()
    for low, top, distance in bench.numpy_candidates(data["offer"], needs, K):
        for row, (offers, km) in enumerate(zip(top, distance, strict=True)):
            need = low + row
            if needs.remote[need]:
                continue  # the matcher adds remote offers on top of the nearest: not compared
            reachable = offers[np.isfinite(km)]
            baseline |= {(need_ids[need], offer_ids[offer]) for offer in reachable}
    found = offers_for_needs(
        today=timezone.localdate(), need_ids=None, full_offer_ids=[], limit=K, per_need=10**6,
        per_offer=10**6,
    )  # fmt: skip
    remote_needs = set(need_ids[needs.remote])
    matcher = {
        (n, o)
        for n, o in zip(found.need_id.tolist(), found.offer_id.tolist(), strict=True)
        if n not in remote_needs
    }

    agreed = len(baseline & matcher) / max(len(baseline | matcher), 1)
    assert len(baseline) > 1500
    # Distances on the sphere (haversine) and in the EPSG:3035 plane differ by a few metres in
    # a hundred kilometres: only pairs at the very edge of a reach or tied for the k-th place
    # may differ.
    assert agreed > 0.99
