"""JSON log lines and error reports to Sentry, in separate processes started as in production
(both are set up when the settings load)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "pomoc.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_logs_are_json_lines_when_asked():
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('pomoc.notifications').warning('delivery %s failed', 42)"
    )
    result = run_python(code, POMOC_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    [line] = [line for line in result.stderr.splitlines() if "delivery" in line]
    record = json.loads(line)
    assert record["message"] == "delivery 42 failed"
    assert record["level"] == "WARNING"
    assert record["logger"] == "pomoc.notifications"
    assert {"time", "process"} <= set(record)


def test_logs_are_plain_text_by_default():
    code = "import django, logging; django.setup(); logging.getLogger('pomoc').warning('hello')"
    result = run_python(code)
    [line] = [line for line in result.stderr.splitlines() if "hello" in line]
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
    assert "WARNING pomoc" in line


class FakeSentry(BaseHTTPRequestHandler):
    """Plays Sentry's ingestion endpoint: keeps the envelopes it is sent."""

    envelopes: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            # sentry-sdk prefers brotli when the package is installed (whitenoise[brotli] is).
            import brotli

            body = brotli.decompress(body)
        FakeSentry.envelopes.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_sentry():
    FakeSentry.envelopes = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_an_unhandled_error_is_reported_to_sentry_without_personal_data(fake_sentry):
    port = fake_sentry.server_address[1]
    # A page that breaks, requested with a session cookie and from an address.
    code = """
import django
django.setup()
import sentry_sdk
from django.test import Client, override_settings
assert sentry_sdk.get_client().is_active(), "SENTRY_DSN did not initialise the SDK"
with override_settings(ROOT_URLCONF="tests.ops.failing_urls"):
    response = Client(raise_request_exception=False).get(
        "/boom/", REMOTE_ADDR="203.0.113.9", HTTP_COOKIE="sessionid=secret-session"
    )
print(response.status_code)
sentry_sdk.flush(timeout=10)
"""
    result = run_python(code, SENTRY_DSN=f"http://publickey@127.0.0.1:{port}/7")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "500"

    paths = [path for path, _body in FakeSentry.envelopes]
    assert "/api/7/envelope/" in paths
    sent = b"\n".join(body for _path, body in FakeSentry.envelopes).decode()
    assert "RuntimeError" in sent and "the matcher's cache is gone" in sent
    assert '"environment":"development"' in sent.replace(" ", "")
    # People in a crisis: no client address, no cookies.
    assert "203.0.113.9" not in sent
    assert "secret-session" not in sent


def test_without_a_dsn_nothing_is_initialised():
    code = (
        "import django; django.setup(); import sentry_sdk; "
        "print(sentry_sdk.get_client().is_active())"
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
