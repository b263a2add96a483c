"""Issue 10, attack 2: passwords guessed without limit.

The attacker guesses through any door (the API token endpoint, the web log-in, the admin), from
one address or from many, and forges X-Forwarded-For. One count (django-axes) covers the three
doors, per account and per client address; a locked client gets 429 with the reason, even with
the right password, until the cool-off has passed.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests import factories
from tests.security.conftest import RIGHT_PASSWORD, ask_token, new_address

pytestmark = pytest.mark.django_db

LOCKED_TEXT = "Too many failed log-ins"


def limit() -> int:
    # The configured limit (10 by default; the default also lets these tests run against the
    # code from before the fix, to show they fail there).
    return getattr(settings, "AXES_FAILURE_LIMIT", 10)


def cooloff() -> dt.timedelta:
    return getattr(settings, "AXES_COOLOFF_TIME", dt.timedelta(minutes=15))


def assert_locked_api_answer(response, *, reason: str = LOCKED_TEXT) -> None:
    assert response.status_code == 429
    assert reason in response.json()["detail"]
    assert "Retry-After" in response


def test_thirty_guesses_with_forged_forwarded_for_then_the_right_password_gets_no_token():
    victim = factories.UserFactory()
    attacker = new_address()
    # One machine, but every request claims another origin in X-Forwarded-For.
    for guess in range(30):
        response = ask_token(
            victim.email,
            f"guess-{guess}",
            address=attacker,
            HTTP_X_FORWARDED_FOR=f"10.0.{guess}.1",
        )
        assert response.status_code in (400, 429)
    response = ask_token(
        victim.email, RIGHT_PASSWORD, address=attacker, HTTP_X_FORWARDED_FOR="10.99.0.1"
    )
    # Locked out or throttled, whichever stops the machine first; either says why.
    assert_locked_api_answer(response, reason="")
    assert not Token.objects.filter(user=victim).exists()


def test_rotating_forwarded_for_does_not_reset_the_count_for_the_address():
    # Several accounts, so that only the count per client address can stop the attacker.
    targets = [factories.UserFactory() for _ in range(limit())]
    attacker = new_address()
    for number, target in enumerate(targets):
        ask_token(target.email, "guess", address=attacker, HTTP_X_FORWARDED_FOR=f"10.1.{number}.1")
    fresh_account = factories.UserFactory()
    response = ask_token(
        fresh_account.email, RIGHT_PASSWORD, address=attacker, HTTP_X_FORWARDED_FOR="10.2.0.1"
    )
    # Locked out (or throttled: both count the real address).
    assert_locked_api_answer(response, reason="")


def test_a_botnet_guessing_one_account_locks_that_account_for_every_address():
    victim = factories.UserFactory(email="victim@example.org")
    # Each guess from another address (and in another spelling of the address), so no
    # per-address limit applies; the account's own count does.
    for guess in range(limit()):
        email = victim.email.upper() if guess % 2 else victim.email
        assert ask_token(email, f"guess-{guess}").status_code in (400, 429)
    assert_locked_api_answer(ask_token(victim.email, RIGHT_PASSWORD))
    # Only that account: another person at a new address is not affected.
    bystander = factories.UserFactory()
    assert ask_token(bystander.email, RIGHT_PASSWORD).status_code == 200


def test_slow_password_spraying_from_one_address_locks_that_address():
    # One common password tried against many accounts, one every ten seconds: slower than the
    # API throttle notices, and one failure per account only.
    accounts = [factories.UserFactory() for _ in range(limit())]
    attacker = new_address()
    start = timezone.now()
    for number, account in enumerate(accounts):
        with time_machine.travel(start + dt.timedelta(seconds=10 * number), tick=False):
            ask_token(account.email, "Summer2026!", address=attacker)
    with time_machine.travel(start + dt.timedelta(seconds=10 * limit()), tick=False):
        # The attacker's own account, right password: the address is locked.
        own = factories.UserFactory()
        assert_locked_api_answer(ask_token(own.email, RIGHT_PASSWORD, address=attacker))
        # The sprayed accounts themselves are not locked for their owners elsewhere.
        assert ask_token(accounts[0].email, RIGHT_PASSWORD).status_code == 200


def test_the_lock_expires_after_the_cool_off():
    victim = factories.UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for guess in range(limit()):
            ask_token(victim.email, f"guess-{guess}")
        assert_locked_api_answer(ask_token(victim.email, RIGHT_PASSWORD))
    almost = start + cooloff() - dt.timedelta(minutes=1)
    with time_machine.travel(almost, tick=False):
        assert ask_token(victim.email, RIGHT_PASSWORD).status_code == 429
    after = start + cooloff() + dt.timedelta(minutes=1)
    with time_machine.travel(after, tick=False):
        response = ask_token(victim.email, RIGHT_PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"]


def test_web_login_is_locked_by_guesses_made_through_the_api():
    victim = factories.UserFactory()
    for guess in range(limit()):
        ask_token(victim.email, f"guess-{guess}")
    browser = Client(REMOTE_ADDR=new_address())
    response = browser.post(
        "/en/accounts/login/", {"login": victim.email, "password": RIGHT_PASSWORD}
    )
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_web_login_guesses_from_many_addresses_lock_the_account():
    victim = factories.UserFactory()
    for guess in range(limit()):
        Client(REMOTE_ADDR=new_address()).post(
            "/en/accounts/login/", {"login": victim.email, "password": f"guess-{guess}"}
        )
    browser = Client(REMOTE_ADDR=new_address())
    response = browser.post(
        "/en/accounts/login/", {"login": victim.email, "password": RIGHT_PASSWORD}
    )
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in browser.session
    # The API, too, refuses the right password now.
    assert ask_token(victim.email, RIGHT_PASSWORD).status_code == 429


def test_admin_login_is_locked_too():
    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    attacker = new_address()
    for guess in range(limit()):
        Client(REMOTE_ADDR=attacker).post(
            "/admin/login/", {"username": admin.email, "password": f"guess-{guess}"}
        )
    browser = Client(REMOTE_ADDR=new_address())
    response = browser.post(
        "/admin/login/?next=/admin/", {"username": admin.email, "password": RIGHT_PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in browser.session
    assert browser.get("/admin/").status_code == 302  # still sent to the log-in page


def test_behind_a_trusted_proxy_only_the_address_it_saw_counts(settings):
    # One proxy of ours appends the address it saw; whatever the client wrote before that is
    # the client's own invention. Guesses ten seconds apart, so the lockout, not the API
    # throttle, has to recognise the client.
    settings.POMOC_TRUSTED_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = "127.0.0.1"
    targets = [factories.UserFactory() for _ in range(limit())]
    start = timezone.now()
    for number, target in enumerate(targets):
        with time_machine.travel(start + dt.timedelta(seconds=10 * number), tick=False):
            ask_token(
                target.email,
                "guess",
                address=proxy,
                HTTP_X_FORWARDED_FOR=f"10.3.{number}.1, 203.0.113.66",
            )
    own = factories.UserFactory()
    with time_machine.travel(start + dt.timedelta(seconds=10 * limit()), tick=False):
        locked = ask_token(
            own.email, RIGHT_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="10.4.0.1, 203.0.113.66"
        )
        assert_locked_api_answer(locked)
        # Someone else behind the same proxy is not the attacker.
        other = ask_token(
            own.email, RIGHT_PASSWORD, address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.5"
        )
        assert other.status_code == 200
