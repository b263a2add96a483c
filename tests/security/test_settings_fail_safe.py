"""A server started without POMOC_ENV must not be a debug server with a public key (issue 10,
attack 7). Each test starts Pomoc in a fresh process, as a careless deployment would."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from posts.management.commands.seed_demo import DEMO_DOMAIN

ROOT = Path(__file__).resolve().parents[2]

# What the README's "Running in production" section tells an operator to set (besides
# DATABASE_URL); everything else must already be safe by default.
DOCUMENTED_PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "pomoc.example.org",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``manage.py`` in a clean environment: none of the caller's Django or Pomoc variables
    (pytest itself runs with POMOC_ENV=development), only ``env``."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "POMOC_ENV"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_server_started_without_any_variable_refuses_to_run_with_a_clear_message():
    # Given a deployment that forgot POMOC_ENV and the secret key, when it starts:
    result = manage("check")
    # then it stops instead of signing sessions with the key published on GitHub.
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
    assert "POMOC_ENV" in result.stderr


def test_a_server_with_a_key_but_without_pomoc_env_shows_no_debug_pages():
    # Given a deployment with a secret key that forgot POMOC_ENV, when an attacker asks for a
    # page that does not exist (over HTTPS, as production serves it):
    probe = (
        "import json; from django.conf import settings; from django.test import Client; "
        "response = Client().get('/en/no-such-page/', secure=True); "
        "print(json.dumps({'debug': settings.DEBUG, 'status': response.status_code, "
        "'body': response.content.decode()}))"
    )
    result = manage(
        "shell", "-c", probe, **{**DOCUMENTED_PRODUCTION, "DJANGO_ALLOWED_HOSTS": "testserver"}
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    # then he gets a plain 404: no URL patterns, settings or tracebacks to study.
    assert answer["status"] == 404
    assert answer["debug"] is False
    assert "URLconf" not in answer["body"]
    assert "pomoc.urls" not in answer["body"]


@pytest.mark.parametrize(
    "pomoc_env",
    [pytest.param({}, id="no-POMOC_ENV"), pytest.param({"POMOC_ENV": "production"}, id="prod")],
)
def test_the_documented_production_variables_pass_djangos_deploy_check(pomoc_env):
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", **DOCUMENTED_PRODUCTION, **pomoc_env
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_a_production_server_sends_hsts_for_subdomains_and_redirects_to_https():
    probe = (
        "import json; from django.test import Client; c = Client(); "
        "plain = c.get('/en/'); secure = c.get('/en/no-such-page/', secure=True); "
        "print(json.dumps([plain.status_code, plain.get('Location', ''), "
        "secure.get('Strict-Transport-Security', '')]))"
    )
    result = manage(
        "shell", "-c", probe, **{**DOCUMENTED_PRODUCTION, "DJANGO_ALLOWED_HOSTS": "testserver"}
    )
    assert result.returncode == 0, result.stderr
    status, location, hsts = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, location) == (301, "https://testserver/en/")
    assert "includeSubDomains" in hsts
    assert "max-age=31536000" in hsts


def test_seed_demo_refuses_to_run_in_production():
    # The demo accounts share the password printed in the README; on a live site they would be
    # open doors. The database URL points nowhere: a refusal must come before any write.
    result = manage(
        "seed_demo",
        **DOCUMENTED_PRODUCTION,
        DATABASE_URL="postgis://nobody@127.0.0.1:9/none",
    )
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr


@pytest.mark.django_db
def test_seed_demo_in_production_creates_no_demo_account(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo")
    assert not User.objects.filter(email__endswith=DEMO_DOMAIN).exists()
    assert not User.objects.filter(email="coordinator@pomoc.example").exists()
