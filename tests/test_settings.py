"""Production settings are safe by default; development needs no variables at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import django, json; from django.conf import settings; django.setup(); "
    "print(json.dumps([settings.DEBUG, settings.SESSION_COOKIE_SECURE, "
    "settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, "
    "settings.DATABASES['default']['ENGINE']]))"
)


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "POMOC_ENV"))}
    clean.update(env, DJANGO_SETTINGS_MODULE="pomoc.settings")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings(POMOC_ENV="production")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_is_safe_by_default():
    result = run_settings(POMOC_ENV="production", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        '[false, true, true, true, "django.contrib.gis.db.backends.postgis"]'
    )


def test_development_defaults_need_no_other_variables():
    result = run_settings(POMOC_ENV="development")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("[true, false, false, false")
