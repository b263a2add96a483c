"""`make run` (scripts/run.sh), `POMOC_WITH_REDIS=1 make run` and `make dev` (scripts/dev.sh)
start what they promise and stop everything they started.

Each whole script runs, on a PostGIS cluster (and Redis) of its own (spare ports, a temporary
folder), in a session of its own, as a terminal or a process manager runs it; then a signal,
after which none of its processes remain: SIGTERM to the script (a process manager) or SIGINT to
its whole process group (Ctrl-C in a terminal, which before the children had process groups of
their own reached django-q2's cluster together with the script's SIGTERM and could hang it for
good)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import live
from tests.ops.conftest import ROOT, free_port, get

pytestmark = pytest.mark.slow


def processes() -> list[tuple[int, int, str]]:
    """(pid, session, command line) of every process on the machine."""
    listing = subprocess.run(
        ["ps", "-ww", "-eo", "pid=,sid=,args="], capture_output=True, text=True, check=True
    ).stdout
    rows = []
    for line in listing.splitlines():
        pid, sid, args = line.strip().split(None, 2)
        rows.append((int(pid), int(sid), args))
    return rows


def session(sid: int) -> list[tuple[int, int, str]]:
    """The processes of one session but ``ps`` itself."""
    return [row for row in processes() if row[1] == sid and not row[2].startswith("ps -ww")]


@dataclass
class Service:
    """A script started as `make` would start it, its ports and folders."""

    process: subprocess.Popen
    base: str
    pg_root: Path
    log: Path

    def ours(self) -> list[str]:
        """Command lines of the processes it started that stay in its session (not PostgreSQL
        or Redis, which detach)."""
        return [args for _pid, _sid, args in session(self.process.pid)]

    def readyz(self, checks: str = "") -> tuple[int, dict]:
        status, body = get(f"{self.base}/readyz" + (f"?checks={checks}" if checks else ""))
        return status, json.loads(body)

    def wait_for_full_pass(self, timeout: float = 90) -> dict:
        """The full_pass check once a full pass has finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            check = self.readyz("full_pass")[1]["checks"]["full_pass"]
            if check.get("last_finished_at"):
                return check
            time.sleep(1)
        raise AssertionError(f"no full pass finished in {timeout} s:\n{self.tail()}")

    def tail(self) -> str:
        return self.log.read_text()[-3000:]


def script_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Ours, less what would point the script at the test suite's database, cache or Redis."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "POMOC_CACHE", "DJANGO_DEBUG", "POMOC_REDIS_URL", "POMOC_Q_REDIS"}
    }
    return inherited | {
        "POMOC_PG_PORT": str(free_port()),
        "POMOC_PG_ROOT": str(tmp_path / "pg"),
        "POMOC_BIND": f"127.0.0.1:{free_port()}",
        "POMOC_WEB_WORKERS": "2",
        "POMOC_Q_WORKERS": "1",
        # Collected once for the test run (compressing them all anew takes a minute or two on a
        # busy machine); the script's own collectstatic then finds them up to date.
        "DJANGO_STATIC_ROOT": str(live.static_root()),
        "POMOC_PG_FSYNC": "off",
        **extra,
    }


@contextmanager
def started(
    script: str,
    env: dict[str, str],
    tmp_path: Path,
    *,
    stop_signal: int,
    to_group: bool = False,
    stop_within: float = 90,
) -> Iterator[Service]:
    """Run the script until it serves; at the end send ``stop_signal`` to the script alone (a
    process manager's SIGTERM) or to its whole process group (``to_group``: Ctrl-C in a
    terminal) and wait ``stop_within`` seconds for it to end. If it has not ended by then,
    what it left is killed and its cluster stopped, so that a failure leaves nothing running."""
    log_path = tmp_path / "run.log"
    log = log_path.open("w")
    # Its own session: the script and everything it starts share one process group.
    process = subprocess.Popen(
        ["bash", script],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    service = Service(process, f"http://{env['POMOC_BIND']}", Path(env["POMOC_PG_ROOT"]), log_path)
    try:
        try:
            live.wait_for(f"{service.base}/healthz", process, timeout=300)
        except AssertionError as error:
            raise AssertionError(f"{error}:\n{service.tail()}") from None
        yield service
    finally:
        if to_group:
            os.killpg(process.pid, stop_signal)
        else:
            process.send_signal(stop_signal)
        try:
            process.wait(timeout=stop_within)
        except subprocess.TimeoutExpired:
            left = [args for _pid, _sid, args in session(process.pid)]
            for pid, _sid, _args in session(process.pid):
                os.kill(pid, signal.SIGKILL)
            subprocess.run(["bash", "scripts/pg.sh", "stop"], cwd=ROOT, env=env, check=False)
            if "POMOC_REDIS_ROOT" in env:
                subprocess.run(["bash", "scripts/redis.sh", "stop"], cwd=ROOT, env=env, check=False)
            raise AssertionError(
                f"{script} did not end within {stop_within} s of the signal; still running: "
                f"{left}\n{service.tail()}"
            ) from None
        finally:
            log.close()


def assert_nothing_left(service: Service, *also: str) -> None:
    """No process of its session, no PostgreSQL of its cluster (nor a process whose command
    line holds any of ``also``), and nothing answers on its port. A killed process whose parent
    was killed with it waits, as a zombie that no longer runs, for the machine's init to reap
    it; that is init's business, not the script's."""
    time.sleep(1)
    left = [
        (pid, args)
        for pid, sid, args in processes()
        if not args.endswith("<defunct>")
        and (
            sid == service.process.pid
            or str(service.pg_root) in args
            or any(marker in args for marker in also)
        )
    ]
    assert left == [], service.tail()
    assert not (service.pg_root / "data" / "postmaster.pid").exists()
    with pytest.raises(OSError):
        get(f"{service.base}/healthz", timeout=2)


def test_run_serves_through_gunicorn_and_sigterm_stops_everything_it_started(tmp_path: Path):
    env = script_env(tmp_path)
    with started("scripts/run.sh", env, tmp_path, stop_signal=signal.SIGTERM) as service:
        # Served by gunicorn (a master and two workers), with the queue cluster beside it,
        ours = service.ours()
        assert sum("gunicorn" in args for args in ours) == 3, ours
        assert any("qcluster" in args for args in ours), ours
        # ready at once although this new installation has had no full pass yet: the pass that
        # the script queued at start is under way, or already done (readiness does not wait
        # for the schedule, whose first look comes 30 s after the cluster starts),
        status, ready = service.readyz()
        assert status == 200, ready
        assert "queued a full pass" in service.log.read_text()
        assert service.wait_for_full_pass()["ok"]
        # static files from whitenoise: hashed names, compressed, cached for a year.
        status, page = get(f"{service.base}/en/")
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
                f"{service.base}{css.group(1).decode()}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.lower()
        assert " 200" in with_gzip.splitlines()[0]
        assert "content-encoding: gzip" in with_gzip
        assert "max-age=315360000" in with_gzip
    # When SIGTERM reaches the script (as from `make run` stopped by a process manager), nothing
    # it started is left: no web server, no queue worker, no PostgreSQL of its cluster.
    assert_nothing_left(service)


def test_run_with_redis_uses_its_private_redis_and_stops_it(tmp_path: Path):
    redis_port = free_port()
    redis_root = tmp_path / "redis"
    env = script_env(
        tmp_path,
        POMOC_SEED_DEMO="0",
        POMOC_WITH_REDIS="1",
        POMOC_REDIS_PORT=str(redis_port),
        POMOC_REDIS_ROOT=str(redis_root),
    )

    def redis_keys(database: int, pattern: str) -> list[str]:
        return subprocess.run(
            [
                "redis-cli",
                "-p",
                str(redis_port),
                "-n",
                str(database),
                "--scan",
                "--pattern",
                pattern,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()

    with started("scripts/run.sh", env, tmp_path, stop_signal=signal.SIGTERM) as service:
        # The script started the private Redis on the port asked for,
        assert (redis_root / "redis.pid").exists()
        assert any(f"redis-server 127.0.0.1:{redis_port}" in args for _, _, args in processes())
        # and it is the cache: the readiness probe's round trip and the API's throttles,
        status, ready = service.readyz("cache")
        assert (status, ready["checks"]["cache"]["backend"]) == (200, "redis"), ready
        status, _ = get(f"{service.base}/api/v1/categories/")
        assert status == 200
        assert any("throttle" in key for key in redis_keys(1, "pomoc:*"))
        # and, in another database of it, the queue broker: the full pass queued at start
        # travelled through it to the cluster, which keeps its status there.
        assert service.wait_for_full_pass()["ok"]
        assert redis_keys(0, "django_q:pomoc:cluster*")
    # SIGTERM stops Redis too (its files stay for the next run), and everything else.
    assert_nothing_left(service, f"127.0.0.1:{redis_port}")
    assert not (redis_root / "redis.pid").exists()
    assert (redis_root / "appendonlydir").exists() or (redis_root / "appendonly.aof").exists()


def test_dev_serves_runserver_with_debug_and_sigterm_stops_everything_it_started(
    tmp_path: Path,
):
    env = script_env(tmp_path, POMOC_SEED_DEMO="0")
    # SIGTERM to the script alone, as a process manager sends it.
    with started("scripts/dev.sh", env, tmp_path, stop_signal=signal.SIGTERM) as service:
        # Django's development server (the auto-reloader and its child) and the queue cluster,
        ours = service.ours()
        assert sum("runserver" in args for args in ours) == 2, ours
        assert any("qcluster" in args for args in ours), ours
        assert not any("gunicorn" in args for args in ours), ours
        # serving pages, and DEBUG's technical pages for developers.
        status, page = get(f"{service.base}/en/")
        assert status == 200, page[:2000]
        status, page = get(f"{service.base}/en/no-such-page/")
        assert status == 404
        assert b"DEBUG = True" in page
    assert_nothing_left(service)


@pytest.mark.parametrize(
    ("stop_signal", "status"),
    [(signal.SIGINT, 130), (signal.SIGHUP, 129)],
    ids=["ctrl-c", "terminal-closed"],
)
def test_dev_ctrl_c_or_a_closed_terminal_stops_everything_it_started(
    tmp_path: Path, stop_signal: int, status: int
):
    env = script_env(tmp_path, POMOC_SEED_DEMO="0")
    # Ctrl-C in a terminal: SIGINT to the whole foreground process group; a closed terminal:
    # SIGHUP to it.
    with started(
        "scripts/dev.sh", env, tmp_path, stop_signal=stop_signal, to_group=True, stop_within=60
    ) as service:
        ours = service.ours()
        assert sum("runserver" in args for args in ours) == 2, ours
        assert any("qcluster" in args for args in ours), ours
    # Each stopped of itself, none had to be killed at the time limit.
    assert service.process.returncode == status, service.tail()
    assert "still running after" not in service.log.read_text(), service.tail()
    assert_nothing_left(service)


def test_run_ctrl_c_right_after_start_stops_everything_it_started(tmp_path: Path):
    env = script_env(tmp_path)
    # Ctrl-C as soon as the site answers: the queue cluster is then still starting or busy
    # with the demo's first full pass.
    with started(
        "scripts/run.sh",
        env,
        tmp_path,
        stop_signal=signal.SIGINT,
        to_group=True,
        stop_within=60,
    ) as service:
        ours = service.ours()
        assert sum("gunicorn" in args for args in ours) == 3, ours
        assert any("qcluster" in args for args in ours), ours
    assert service.process.returncode == 130, service.tail()
    assert "still running after" not in service.log.read_text(), service.tail()
    assert_nothing_left(service)


def test_dev_kills_what_has_not_stopped_in_time_and_still_stops_the_cluster(tmp_path: Path):
    # Given no time at all to stop (POMOC_STOP_TIMEOUT=0), as for a child that hangs,
    env = script_env(tmp_path, POMOC_SEED_DEMO="0", POMOC_STOP_TIMEOUT="0")
    with started(
        "scripts/dev.sh", env, tmp_path, stop_signal=signal.SIGINT, to_group=True, stop_within=60
    ) as service:
        pass  # Ctrl-C as soon as it serves
    # the children are killed with everything in their process groups, and the cluster is
    # stopped all the same.
    log = service.log.read_text()
    assert "still running after 0 s: killed" in log, service.tail()
    assert "stopped" in log.splitlines(), service.tail()
    assert service.process.returncode == 130, service.tail()
    assert_nothing_left(service)
