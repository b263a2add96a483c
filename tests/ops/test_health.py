"""/healthz and /readyz, as a load balancer sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from matching.models import MatchRun, RunKind
from matching.schedules import FULL_PASS_SCHEDULE

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    """HTTPS redirect on and only the public name allowed, as in production."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["pomoc.example.org"]


def finished_full_pass(minutes_ago: int) -> MatchRun:
    finished = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return MatchRun.objects.create(
        kind=RunKind.FULL, started_at=finished - dt.timedelta(seconds=20), finished_at=finished
    )


@pytest.mark.usefixtures("production_like")
def test_healthz_answers_a_balancer_probing_by_address_over_plain_http(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.usefixtures("production_like")
def test_other_pages_still_redirect_to_https_and_check_the_host(client):
    assert client.get("/api/v1/categories/", HTTP_HOST="pomoc.example.org").status_code == 301
    assert client.get("/api/v1/categories/", HTTP_HOST="10.0.0.7").status_code == 400


@pytest.mark.usefixtures("production_like")
def test_readyz_is_200_when_database_cache_queue_and_matcher_are_fine(client):
    finished_full_pass(minutes_ago=4)
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert set(body["checks"]) == {"database", "cache", "queue", "full_pass"}
    assert body["checks"]["full_pass"]["age_seconds"] == pytest.approx(240, abs=5)


def test_readyz_fails_when_the_last_full_pass_is_too_old(client, settings):
    settings.POMOC_READY_MAX_PASS_AGE_MINUTES = 30
    finished_full_pass(minutes_ago=45)
    # A skipped pass (another held the lock) does not count as a pass.
    MatchRun.objects.create(kind=RunKind.FULL, finished_at=timezone.now(), skipped=True)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["full_pass"]
    assert response.json()["checks"]["full_pass"]["limit_minutes"] == 30


def installed(minutes_ago: int) -> dt.datetime:
    """Date the database's creation (its migrations) this long ago."""
    moment = timezone.now() - dt.timedelta(minutes=minutes_ago)
    MigrationRecorder.Migration.objects.update(applied=moment)
    return moment


def test_readyz_is_ready_on_a_new_installation_whose_first_full_pass_is_still_to_come(client):
    # Given a database created five minutes ago, whose queue workers have run no pass yet,
    created = installed(minutes_ago=5)
    assert not MatchRun.objects.exists()
    # a balancer may send it traffic: the first pass is not late yet, and it says so.
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["full_pass"] == {
        "ok": True,
        "first_pass_pending": True,
        "last_finished_at": None,
        "installed_at": created.isoformat(),
        "scheduled": True,
        "limit_minutes": 30,
    }


def test_readyz_fails_when_a_new_installation_had_no_full_pass_within_the_limit(client):
    # The workers never ran: after the limit, as late as a stopped matcher.
    installed(minutes_ago=45)
    response = client.get("/readyz?checks=database,full_pass")
    assert response.status_code == 503
    assert response.json()["failing"] == ["full_pass"]
    assert "first_pass_pending" not in response.json()["checks"]["full_pass"]


def test_readyz_fails_at_once_on_a_new_installation_without_the_full_pass_schedule(client):
    installed(minutes_ago=1)
    Schedule.objects.filter(name=FULL_PASS_SCHEDULE).delete()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["full_pass"]
    assert response.json()["checks"]["full_pass"]["scheduled"] is False


def test_readyz_fails_when_the_queue_backlog_is_over_the_limit(client, settings):
    settings.POMOC_READY_MAX_QUEUE = 2
    finished_full_pass(minutes_ago=1)
    for _ in range(3):
        async_task("matching.tasks.full_pass")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["queue"]
    assert body["checks"]["queue"] == {"ok": False, "waiting": 3, "limit": 2}


def test_readyz_can_be_asked_for_some_checks_and_names_unknown_ones(client):
    # A web node's balancer may leave the matcher to monitoring.
    response = client.get("/readyz?checks=database,cache")
    assert response.status_code == 200
    assert set(response.json()["checks"]) == {"database", "cache"}
    response = client.get("/readyz?checks=database,disk")
    assert response.status_code == 400
    assert "disk" in response.json()["error"]


@pytest.mark.django_db(transaction=True)
def test_readyz_is_503_json_naming_the_database_when_it_is_unreachable(client):
    finished_full_pass(minutes_ago=1)
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there
    try:
        response = client.get("/readyz")
        live = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database", "queue", "full_pass"]
    assert "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["cache"]["ok"]  # the test suite's cache is in memory
    # The process itself lives: an orchestrator must not restart it for the database's sake.
    assert live.status_code == 200
