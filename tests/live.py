"""Real server processes against the test database: gunicorn as in production (DEBUG off) and
the django-q2 cluster. For the tests of faults and of the load-test machinery."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def database_url() -> str:
    database = connection.settings_dict
    return f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def server_env(static_root: Path, **extra: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "pomoc.settings",
        "POMOC_ENV": "development",
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "POMOC_LOG_LEVEL": "WARNING",
        **extra,
    }


@functools.cache
def static_root() -> Path:
    """Collected static files, as production serves them (hashed names, whitenoise); once per
    test run."""
    root = ROOT / "var" / "test-static"
    manifest = root / "staticfiles.json"
    sources = [*(ROOT / "static").rglob("*"), ROOT / "pyproject.toml"]
    # Compressing every file takes minutes on a busy machine: reuse an up-to-date collection.
    if manifest.exists() and all(
        path.stat().st_mtime < manifest.stat().st_mtime for path in sources
    ):
        return root
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=server_env(root),
        check=True,
    )
    return root


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {timeout} s")


def start_gunicorn(env: dict[str, str], *, workers: int = 2) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "pomoc.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(f"{base}/robots.txt", process)
    return process, base


def start_qcluster(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "qcluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def request(
    url: str, *, method: str = "GET", data: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], str]:
    """Status, headers and body, whatever the status."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()
