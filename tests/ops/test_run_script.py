"""`make run` (scripts/run.sh) serves like production and stops everything it started.

The whole script runs, on a PostGIS cluster of its own (spare port, temporary folder): gunicorn
with whitenoise, the django-q2 cluster, then SIGTERM, after which none of its processes remain."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.ops.conftest import ROOT, free_port, get

pytestmark = pytest.mark.slow


def processes() -> list[tuple[int, int, str]]:
    """(pid, process group, command line) of every process on the machine."""
    listing = subprocess.run(
        ["ps", "-ww", "-eo", "pid=,pgid=,args="], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in listing.splitlines():
        pid, pgid, args = line.strip().split(None, 2)
        rows.append((int(pid), int(pgid), args))
    return rows


def test_run_serves_through_gunicorn_and_sigterm_stops_everything_it_started(tmp_path: Path):
    web_port, pg_port = free_port(), free_port()
    pg_root = tmp_path / "pg"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "POMOC_CACHE", "DJANGO_DEBUG"}
    } | {
        "POMOC_PG_PORT": str(pg_port),
        "POMOC_PG_ROOT": str(pg_root),
        "POMOC_BIND": f"127.0.0.1:{web_port}",
        "POMOC_WEB_WORKERS": "2",
        "POMOC_Q_WORKERS": "1",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "POMOC_PG_FSYNC": "off",
    }
    log = (tmp_path / "run.log").open("w")
    # Its own session: the script and everything it starts share one process group.
    run = subprocess.Popen(
        ["bash", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and run.poll() is None:
            try:
                if get(f"http://127.0.0.1:{web_port}/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(1)
        assert run.poll() is None, (tmp_path / "run.log").read_text()[-3000:]

        # Served by gunicorn (a master and two workers), with the queue cluster beside it,
        ours = [args for _pid, pgid, args in processes() if pgid == run.pid]
        assert sum("gunicorn" in args for args in ours) == 3, ours
        assert any("qcluster" in args for args in ours), ours
        # static files from whitenoise: hashed names, compressed, cached for a year.
        status, page = get(f"http://127.0.0.1:{web_port}/en/")
        assert status == 200
        css = re.search(rb'href="(/static/css/pomoc\.[0-9a-f]{12}\.css)"', page)
        assert css, page[:2000]
        with_gzip = subprocess.run(
            [
                "curl",
                "-sS",
                "-D-",
                "-o/dev/null",
                "-H",
                "Accept-Encoding: gzip",
                f"http://127.0.0.1:{web_port}{css.group(1).decode()}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.lower()
        assert " 200" in with_gzip.splitlines()[0]
        assert "content-encoding: gzip" in with_gzip
        assert "max-age=315360000" in with_gzip
    finally:
        # When SIGTERM reaches the script (as from `make run` stopped by a process manager),
        run.send_signal(signal.SIGTERM)
        try:
            run.wait(timeout=90)
        finally:
            log.close()
            if run.returncode is None:
                os.killpg(run.pid, signal.SIGKILL)

    # nothing it started is left: no web server, no queue worker, no PostgreSQL of its cluster.
    time.sleep(1)
    left = [
        (pid, args) for pid, pgid, args in processes() if pgid == run.pid or str(pg_root) in args
    ]
    assert left == []
    assert not (pg_root / "data" / "postmaster.pid").exists()
    with pytest.raises(OSError):
        get(f"http://127.0.0.1:{web_port}/healthz", timeout=2)
