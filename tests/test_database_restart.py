"""PostgreSQL restarted under load (issue 14, faults): requests in the gap get a 503 page or
JSON with Retry-After, never a 500 or a stack trace, and the web server and the queue worker
carry on afterwards without being restarted. Real processes: gunicorn (DEBUG off), a django-q2
cluster and the project's private PostgreSQL, stopped and started again."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections import Counter

import psutil
import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from matching.models import MatchRun
from tests import live
from tests.factories import OfferFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("seeded_categories")]


AFTER_RESTART = {
    "category": "clothes",
    "title": "Coats after the restart",
    "capacity": 3,
    "place_name": "Brno",
    "languages": ["cs"],
}


def _private_cluster() -> bool:
    """The test database lives in this checkout's own cluster (scripts/pg.sh), which the test
    may restart; an external PostgreSQL is left alone."""
    import os

    database = connection.settings_dict
    return (
        str(database["HOST"]) in {"127.0.0.1", "localhost"}
        and str(database["PORT"]) == os.environ.get("POMOC_PG_PORT", "54329")
        and (live.ROOT / "var" / "pg" / "data" / "PG_VERSION").exists()
    )


def _pg(command: str) -> None:
    subprocess.run(["bash", "scripts/pg.sh", command], cwd=live.ROOT, check=True,
                   capture_output=True)  # fmt: skip


def _queue_and_wait(task: str, timeout: float = 120) -> None:
    from django_q.models import Task
    from django_q.tasks import async_task

    task_id = async_task(task)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = Task.objects.filter(id=task_id).first()
        if done is not None:
            assert done.success, done.result
            return
        time.sleep(0.3)
    raise AssertionError(f"the queue worker did not run {task} in {timeout} s")


def _worker_pids(process: subprocess.Popen) -> set[int]:
    return {child.pid for child in psutil.Process(process.pid).children(recursive=True)}


def test_a_database_restart_under_load_answers_503_and_everything_recovers():
    if not _private_cluster():
        pytest.skip("the test database is not in this checkout's private cluster")
    # Given a post, a person with an API token and a signed-in browser session.
    OfferFactory(title="Winter coats")
    person = UserFactory()
    token = Token.objects.create(user=person).key
    from django.test import Client

    browser = Client()
    browser.force_login(person)
    session = browser.cookies["sessionid"].value
    env = live.server_env(live.static_root(), POMOC_Q_WORKERS="1", DJANGO_CONN_MAX_AGE="60")
    web, base = live.start_gunicorn(env, workers=2)
    worker = live.start_qcluster(env)
    english = {"Accept-Language": "en"}  # the answers are asserted in English
    pages = {
        "api": (f"{base}/api/v1/offers/", {**english}),
        "web": (f"{base}/en/offers/", {**english}),
        "signed in": (f"{base}/en/my/", {"Cookie": f"sessionid={session}", **english}),
        # The view needs no database, but the session middleware does: Django's handler500.
        "middleware": (f"{base}/robots.txt", {"Cookie": f"sessionid={session}", **english}),
        "token": (
            f"{base}/api/v1/offers/?mine=true",
            {"Authorization": f"Token {token}", **english},
        ),
    }
    seen: dict[str, Counter] = {name: Counter() for name in pages}
    bodies: list[tuple[str, int, dict, str]] = []
    stopping = threading.Event()

    def hammer(name: str) -> None:
        url, headers = pages[name]
        while not stopping.is_set():
            status, response_headers, body = live.request(url, headers=headers)
            seen[name][status] += 1
            if status != 200:
                bodies.append((name, status, response_headers, body))
            time.sleep(0.05)

    try:
        for name, (url, headers) in pages.items():
            assert live.request(url, headers=headers)[0] == 200, name
        # The cluster is up and working (a task done) before the database goes away.
        _queue_and_wait("matching.tasks.expire_matches")
        web_pids = _worker_pids(web)
        threads = [threading.Thread(target=hammer, args=(name,)) for name in pages]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1)
            # When PostgreSQL goes away under load and comes back.
            _pg("stop")
            time.sleep(3)
            _pg("start")
            time.sleep(2)
        finally:
            stopping.set()
            for thread in threads:
                thread.join(timeout=60)
        connection.close()  # this process's own connection died with the server

        # Then every answer was a 200 or a 503, each 503 in the right form.
        for name, statuses in seen.items():
            assert set(statuses) <= {200, 503}, (name, statuses)
            assert statuses[503] > 0, (name, statuses)
        for name, _status, headers, body in bodies:
            assert headers.get("Retry-After") == "10", name
            assert "Traceback" not in body and "OperationalError" not in body, name
            if name in ("api", "token"):
                assert headers["Content-Type"] == "application/json", name
                assert "briefly unavailable" in json.loads(body)["detail"]
            else:
                assert "Pomoc is briefly unavailable" in body, name
        # The same server processes answer again, and write again.
        for name, (url, headers) in pages.items():
            assert live.request(url, headers=headers)[0] == 200, name
        status, _headers, body = live.request(
            f"{base}/api/v1/offers/",
            method="POST",
            data=json.dumps(
                {
                    "category": "clothes",
                    "title": "Coats after the restart",
                    "capacity": 3,
                    "place_name": "Brno",
                    "languages": ["cs"],
                }
            ).encode(),
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        assert status == 201, body
        # And the queue worker, not restarted either, runs a task queued after the restart.
        _queue_and_wait("matching.tasks.full_pass")
        run = MatchRun.objects.get(kind="full")
        assert run.finished_at is not None and not run.errors
        assert web.poll() is None and worker.poll() is None
        assert _worker_pids(web) == web_pids  # not even gunicorn's workers were replaced
    finally:
        live.stop(web)
        live.stop(worker)
        connection.close()
