"""Real processes for the shared-state and scale-out tests: web servers (scripts/serve.sh, i.e.
gunicorn) and the private Redis (scripts/redis.sh), each on a free port, against the test
database."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_env(**extra: str) -> dict[str, str]:
    """The environment of a separate process on the test database: ours, less the test suite's
    per-process cache (pytest-env), so the process chooses its cache as in production."""
    inherited = {key: value for key, value in os.environ.items() if key != "POMOC_CACHE"}
    return inherited | database_env() | extra


def database_env() -> dict[str, str]:
    """What a separate process needs to use the test database (not the development one)."""
    database = connection.settings_dict
    return {
        "DATABASE_URL": (
            f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "DJANGO_CONN_MAX_AGE": "0",
        "POMOC_LOG_LEVEL": "WARNING",
    }


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class WebServer:
    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            ["bash", "scripts/serve.sh"],
            cwd=ROOT,
            env=process_env(POMOC_BIND=f"127.0.0.1:{self.port}", POMOC_WEB_WORKERS="1", **env),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode())
            try:
                if get(self.url("/healthz"), timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError("the web server did not come up")


@pytest.fixture
def web_servers():
    """Start web servers with start(env); all are stopped at the end."""
    started: list[WebServer] = []

    def start(count: int, env: dict[str, str]) -> list[WebServer]:
        servers = [WebServer(env) for _ in range(count)]
        started.extend(servers)
        for server in servers:
            server.wait_ready()
        return servers

    yield start
    for server in started:
        stop(server.process)


@pytest.fixture
def private_redis(tmp_path):
    """The project's private Redis (scripts/redis.sh) on a spare port; yields its URL."""
    env = os.environ | {"POMOC_REDIS_PORT": str(free_port()), "POMOC_REDIS_ROOT": str(tmp_path)}
    started = subprocess.run(
        ["bash", "scripts/redis.sh", "start"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert started.stdout.strip() == "started", started.stderr
    assert (tmp_path / "redis.pid").exists()
    yield f"redis://127.0.0.1:{env['POMOC_REDIS_PORT']}/0"
    subprocess.run(["bash", "scripts/redis.sh", "stop"], cwd=ROOT, env=env, capture_output=True)
