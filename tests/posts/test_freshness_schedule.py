"""The freshness run is scheduled: a real django-q2 cluster runs it from its schedule."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.utils import timezone

from notifications.models import Notification
from offers.models import Offer
from posts.models import PostStatus
from posts.schedules import FRESHNESS_SCHEDULE, schedules_ensure
from tests import live
from tests.factories import OfferFactory


def test_the_freshness_schedule_exists(db):
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name=FRESHNESS_SCHEDULE)
    assert (schedule.func, schedule.minutes, schedule.repeats) == ("posts.tasks.refresh", 60, -1)


@pytest.mark.usefixtures("seeded_categories")
def test_the_django_q2_cluster_expires_and_asks_on_schedule():
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    today = timezone.localdate()
    stale = OfferFactory(fresh_until=today - dt.timedelta(days=1))
    ending = OfferFactory(fresh_until=today + dt.timedelta(days=2))
    # Transactional tests flush tables, so the migration's schedule is created again here.
    schedules_ensure()
    Schedule.objects.filter(name=FRESHNESS_SCHEDULE).update(
        next_run=timezone.now() - dt.timedelta(seconds=1)
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
        while time.monotonic() < deadline and not (
            Notification.objects.filter(kind="post_still_valid").exists()
            and Offer.objects.filter(status=PostStatus.EXPIRED).exists()
        ):
            time.sleep(0.5)
    finally:
        live.stop(cluster)

    stale.refresh_from_db()
    assert stale.status == PostStatus.EXPIRED
    asked = Notification.objects.get(kind="post_still_valid")
    assert asked.recipient == ending.owner
