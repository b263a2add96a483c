"""``kill -9`` of the django-q2 worker running a full pass (issue 14, faults): the pass's
committed proposals stand, the cluster carries on with a new worker, the next pass completes
and proposes what the killed one did not, nothing is duplicated and no offer is overbooked.
Real processes: a qcluster against the test database, on the benchmark's synthetic data."""

from __future__ import annotations

import os
import signal
import time

import psutil
import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from bench import matching as bench
from matching import engine
from matching.models import HOLDING_STATUSES, Match, MatchRun, MatchStatus
from tests import live

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_categories")]

SIZE = 4000


def _load_posts() -> None:
    now = timezone.now()
    categories, owners, organisations = bench.prepare_fixed_rows(now)
    connection.ensure_connection()
    for kind, table in (("offer", "offers_offer"), ("need", "needs_need")):
        data = bench.Synthetic(size=SIZE, seed=5, kind=kind, categories=categories,
                               owners=owners, organisations=organisations)  # fmt: skip
        bench.load(connection.connection, table, data, kind, now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE offers_offer; ANALYZE needs_need")


def _pass_holder() -> int | None:
    """The client port of the connection holding the full pass's lock, if one does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.objid = %s AND l.granted",
            [engine.FULL_PASS_LOCK],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _process_with_port(cluster: psutil.Process, port: int) -> psutil.Process | None:
    for process in cluster.children(recursive=True):
        try:
            if any(c.laddr.port == port for c in process.net_connections(kind="tcp")):
                return process
        except psutil.NoSuchProcess:
            continue
    return None


def _holding() -> set[tuple[int, int, str, int]]:
    return set(
        Match.objects.filter(status__in=HOLDING_STATUSES).values_list(
            "offer_id", "need_id", "status", "units"
        )
    )


def _wait_for_run(condition, timeout: float = 240) -> MatchRun:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = MatchRun.objects.filter(condition).order_by("-pk").first()
        if run is not None:
            return run
        time.sleep(0.05)
    raise AssertionError("no such run in time")


def test_kill_9_of_the_worker_during_a_full_pass_loses_and_duplicates_nothing():
    from django_q.tasks import async_task

    _load_posts()
    # What a pass that is not interrupted proposes on this data.
    reference = engine.full_pass()
    assert reference.proposed > 0
    Match.objects.all().delete()
    MatchRun.objects.all().delete()

    env = live.server_env(live.static_root(), POMOC_Q_WORKERS="1")
    cluster = live.start_qcluster(env)
    try:
        killed = None
        for _attempt in range(3):
            async_task("matching.tasks.full_pass")
            run = _wait_for_run(Q(kind="full"))
            # Kill the worker holding the lock once the pass has committed some proposals and
            # before it has finished: between two groups of categories.
            while not Match.objects.exists() and run.finished_at is None:
                run.refresh_from_db()
            port = _pass_holder()
            worker = port and _process_with_port(psutil.Process(cluster.pid), port)
            if worker:
                os.kill(worker.pid, signal.SIGKILL)
                run.refresh_from_db()
                if run.finished_at is None:
                    killed = run
                    break
            # Too late (the pass had finished): start again from nothing.
            _wait_for_run(Q(pk=run.pk, finished_at__isnull=False))
            Match.objects.all().delete()
            MatchRun.objects.all().delete()
        assert killed is not None, "could not kill the worker during a pass"
        # The killed process's connections die with it, and with them its lock.
        deadline = time.monotonic() + 60
        while _pass_holder() is not None and time.monotonic() < deadline:
            time.sleep(0.2)
        committed = _holding()
        assert 0 < len(committed) < reference.proposed

        # The cluster replaced its worker; the next pass (as the schedule would queue it).
        async_task("matching.tasks.full_pass")
        after = _wait_for_run(Q(kind="full", pk__gt=killed.pk, finished_at__isnull=False))
        assert cluster.poll() is None
    finally:
        live.stop(cluster)

    assert not after.skipped and not after.errors and after.proposed > 0
    killed.refresh_from_db()
    assert killed.errors.startswith("Interrupted")
    final = _holding()
    # Nothing the killed pass committed is lost, and the two passes together propose at least
    # what one uninterrupted pass does (the next pass also tops up needs of groups the killed
    # one finished, through candidates beyond those it had taken).
    assert committed <= final
    assert len(final) >= reference.proposed
    # Nothing duplicated, nobody overbooked.
    assert Match.objects.values("offer_id", "need_id").distinct().count() == Match.objects.count()
    overbooked = (
        Match.objects.filter(status__in=HOLDING_STATUSES)
        .values("offer_id", "offer__capacity")
        .annotate(units=Sum("units"), open=Count("pk", filter=Q(status=MatchStatus.PROPOSED)))
        .filter(Q(units__gt=F("offer__capacity")) | Q(open__gt=settings.POMOC_MATCHING_PER_OFFER))
    )
    assert not overbooked.exists()
