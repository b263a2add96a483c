"""Passes on real, separate connections: the advisory lock, and the django-q2 cluster."""

from __future__ import annotations

import os
import threading
import time
from functools import partial

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from matching import engine
from matching.models import HOLDING_STATUSES, Match, MatchRun
from matching.schedules import FULL_PASS_SCHEDULE, schedules_ensure
from tests import live
from tests.factories import NeedFactory, OfferFactory, category
from tests.matching.conftest import east_of_praha


def make_scene() -> None:
    for _ in range(3):
        OfferFactory(capacity=5)
    for _ in range(6):
        NeedFactory()


@pytest.mark.usefixtures("seeded_categories")
def test_two_concurrent_full_passes_do_not_duplicate():
    make_scene()
    barrier = threading.Barrier(2)
    results: list[engine.PassResult] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(engine.full_pass())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # Each need wants 3 proposals (18), but each offer takes at most 5 open ones: 15 pairs.
    assert Match.objects.count() == 15
    assert sum(result.proposed for result in results) == 15
    assert len(results) == 2
    # Either the second pass found the lock taken, or it ran after the first and added nothing.
    assert any(result.skipped or result.proposed == 0 for result in results)


@pytest.mark.usefixtures("seeded_categories")
def test_a_pass_whose_worker_dies_keeps_whole_groups_and_the_next_pass_finishes(
    monkeypatch, settings
):
    # Categories under different roots never meet, so the pass assigns and inserts them as
    # separate groups, each in its own transaction on one of two workers.
    settings.POMOC_MATCHING_WORKERS = 2
    groups = []
    for slug in ("clothes", "transport"):
        for _ in range(3):
            OfferFactory(category=category(slug), capacity=5)  # 15 slots for 3 needs x 3
        groups.append({NeedFactory(category=category(slug)).pk for _ in range(3)})
    real_insert = engine._insert
    calls: list[int] = []
    lock = threading.Lock()

    def second_insert_dies(chosen, units, *, run_id):
        with lock:
            calls.append(len(chosen))
            dies = len(calls) == 2
        inserted = real_insert(chosen, units, run_id=run_id)  # rows written, not yet committed
        if dies:
            raise RuntimeError("worker killed")
        return inserted

    monkeypatch.setattr(engine, "_insert", second_insert_dies)
    with pytest.raises(RuntimeError):
        engine.full_pass()

    # One group committed whole, the other not at all.
    assert set(Match.objects.values_list("need_id", flat=True)) in groups
    assert Match.objects.count() == 9
    assert "worker killed" in MatchRun.objects.get().errors

    monkeypatch.undo()
    assert engine.full_pass().proposed == 9
    assert Match.objects.count() == 18


@pytest.mark.usefixtures("seeded_categories")
def test_a_full_pass_is_skipped_while_another_holds_the_lock():
    make_scene()
    held = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        from django.db import transaction

        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [engine.FULL_PASS_LOCK])
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert held.wait(timeout=10)
    try:
        result = engine.full_pass()
    finally:
        release.set()
        holder.join()

    assert result.skipped
    assert Match.objects.count() == 0
    assert MatchRun.objects.get(pk=result.run_id).skipped


@pytest.mark.usefixtures("seeded_categories")
def test_the_django_q2_cluster_runs_the_scheduled_full_pass():
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    make_scene()
    # The schedule comes from a migration; transactional tests flush tables, so ensure it.
    schedules_ensure()
    Schedule.objects.filter(name=FULL_PASS_SCHEDULE).update(
        next_run=timezone.now() - timezone.timedelta(seconds=1)
    )
    # The cluster's own scheduler only looks every 30 s; run that same function once now so the
    # due schedule is queued, then let a real cluster process pick it up and run it.
    scheduler(broker=get_broker())

    env = os.environ | {
        "DATABASE_URL": live.database_url(),
        "POMOC_LOG_LEVEL": "WARNING",
        "DJANGO_CONN_MAX_AGE": "0",
    }
    cluster = live.start_qcluster(env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not Match.objects.exists():
            time.sleep(0.5)
    finally:
        live.stop(cluster)

    assert Match.objects.count() == 15
    run = MatchRun.objects.get()
    assert run.kind == "full" and run.proposed == 15
    assert settings.Q_CLUSTER["name"] == "pomoc"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_an_incremental_pass_racing_a_full_pass_never_exceeds_an_offer(settings):
    # Given an offer with room for exactly one need, and two needs that each fit it alone: the
    # full pass prefers the nearer, more urgent one; the incremental pass is for the other.
    settings.POMOC_MATCHING_WORKERS = 1
    offer = OfferFactory(capacity=1)
    NeedFactory(location=offer.location, urgency=4)
    later = NeedFactory(location=east_of_praha(5), urgency=1)
    rounds = 15
    start, done = threading.Barrier(3), threading.Barrier(3)
    errors: list[BaseException] = []

    def racer(run) -> None:
        try:
            for _ in range(rounds):
                start.wait(timeout=60)
                try:
                    run()
                finally:
                    done.wait(timeout=60)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=racer, args=(engine.full_pass,)),
        threading.Thread(target=racer, args=(partial(engine.incremental_pass, need_id=later.pk),)),
    ]
    for thread in threads:
        thread.start()
    held = []
    try:
        for _ in range(rounds):
            Match.objects.all().delete()
            start.wait(timeout=60)
            done.wait(timeout=60)
            # When both have committed, the offer holds at most its one unit.
            holding = Match.objects.filter(offer=offer, status__in=HOLDING_STATUSES)
            held.append(holding.aggregate(units=Sum("units"))["units"] or 0)
    finally:
        for thread in threads:
            thread.join(timeout=120)
    assert not errors
    assert max(held) == 1, held
