"""Scale-out on Redis: two django-q2 clusters (as on two worker machines) share one Redis queue
and one database. Each matching pass and each notification still happens exactly once."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.models import Schedule
from django_q.tasks import async_task

from matching.models import Match, MatchRun, RunKind
from matching.schedules import FULL_PASS_SCHEDULE, schedules_ensure
from notifications.models import Delivery
from notifications.services import notify
from tests import factories
from tests.factories import NeedFactory, OfferFactory
from tests.notifications.conftest import SmtpServer
from tests.ops.conftest import ROOT, free_port, process_env, stop

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The cluster's scheduler first looks at the schedules 30 s after it starts (django-q2's guard).
SCHEDULER_DELAY_S = 30


@pytest.fixture
def redis_broker_here(private_redis, monkeypatch):
    """This test process queues into Redis too, as a web node configured with POMOC_REDIS_URL
    does (django-q2 reads its configuration once, at import)."""
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", private_redis)
    return private_redis


@pytest.mark.usefixtures("seeded_categories")
def test_two_clusters_on_redis_run_each_pass_and_send_each_notification_once(
    redis_broker_here, settings
):
    # Given a scene the full pass turns into 15 proposals, a full pass that is due,
    for _ in range(3):
        OfferFactory(capacity=5)
    for _ in range(6):
        NeedFactory()
    schedules_ensure()
    Schedule.objects.filter(name=FULL_PASS_SCHEDULE).update(
        next_run=timezone.now() - timezone.timedelta(seconds=1)
    )
    # a real mail server, and ten notifications whose sending is queued in Redis twice each
    # (as when a task is redelivered after a worker's time-out),
    smtp = SmtpServer(free_port())
    smtp.start()
    people = [factories.UserFactory(email=f"person{number}@example.org") for number in range(10)]
    for person in people:
        notify(recipient=person, kind="match_reminder", dedupe_key="scale-out", context={})
    deliveries = list(Delivery.objects.values_list("pk", flat=True))
    assert len(deliveries) == 10
    for pk in deliveries:
        async_task("notifications.tasks.deliver", pk)

    # when two clusters, each with two workers, take tasks from the same Redis
    env = process_env(
        POMOC_REDIS_URL=redis_broker_here,
        POMOC_Q_WORKERS="2",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(smtp.port),
    )
    clusters = [
        subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    started = time.monotonic()
    try:
        # until both schedulers have looked at the due pass and every delivery went out,
        deadline = started + 150
        while time.monotonic() < deadline:
            done = (
                MatchRun.objects.filter(kind=RunKind.FULL, finished_at__isnull=False).exists()
                and not Delivery.objects.exclude(status=Delivery.Status.SENT).exists()
            )
            if done and time.monotonic() - started > SCHEDULER_DELAY_S + 10:
                break
            time.sleep(1)
        assert all(cluster.poll() is None for cluster in clusters), "a cluster died"
    finally:
        for cluster in clusters:
            stop(cluster)
        smtp.stop()

    # the pass ran once (a second, even one skipped for the lock, would be a second run),
    runs = list(MatchRun.objects.filter(kind=RunKind.FULL).values_list("proposed", "skipped"))
    assert runs == [(15, False)]
    assert Match.objects.count() == 15
    # and each person got their message once, though its task was queued twice.
    assert sorted(rcpt for envelope in smtp.messages for rcpt in envelope.rcpt_tos) == sorted(
        person.email for person in people
    )
    assert set(Delivery.objects.values_list("status", "attempts")) == {(Delivery.Status.SENT, 1)}
