"""Issue 10, attack 8 (tokens): an API token lived for ever.

Whoever copies a token (a lost phone, a log, a shared script) keeps access until the owner
revokes it by hand, even after the owner changed or reset their password; and the token
endpoint gave tokens to unconfirmed addresses under mandatory verification.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories
from tests.security.conftest import RIGHT_PASSWORD, ask_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-passphrase-42"


def lifetime() -> dt.timedelta:
    return getattr(settings, "POMOC_API_TOKEN_LIFETIME", dt.timedelta(days=30))


def api_with(token: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def token_for(user) -> str:
    response = ask_token(user.email, RIGHT_PASSWORD)
    assert response.status_code == 200
    return response.json()["token"]


def works(token: str) -> bool:
    """An empty new offer: 400 (missing fields) for a signed-in client, 401 for anyone else."""
    return api_with(token).post("/api/v1/offers/", {}, format="json").status_code == 400


def test_a_stolen_token_stops_working_after_its_lifetime():
    user = factories.UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = ask_token(user.email, RIGHT_PASSWORD)
        token = response.json()["token"]
        expires_at = dt.datetime.fromisoformat(response.json()["expires_at"])
    assert expires_at == pytest.approx(start + lifetime(), abs=dt.timedelta(seconds=1))
    with time_machine.travel(start + lifetime() - dt.timedelta(hours=1)):
        assert works(token)
    with time_machine.travel(start + lifetime() + dt.timedelta(hours=1)):
        answer = api_with(token).post("/api/v1/offers/", {}, format="json")
        assert answer.status_code == 401
        assert "expired" in answer.json()["detail"]
        # The owner logs in again and gets a new token that works.
        fresh = token_for(user)
        assert fresh != token
        assert works(fresh)
        assert api_with(token).post("/api/v1/offers/", {}, format="json").status_code == 401


def test_changing_the_password_on_the_web_revokes_api_tokens():
    user = factories.UserFactory()
    token = token_for(user)
    browser = Client()
    browser.force_login(user)
    response = browser.post(
        "/en/accounts/password/change/",
        {"oldpassword": RIGHT_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert api_with(token).post("/api/v1/offers/", {}, format="json").status_code == 401


def test_resetting_the_password_by_email_revokes_api_tokens():
    # The reset email and its link are in the account's language (accounts.adapter).
    user = factories.UserFactory(preferred_language="en")
    token = token_for(user)
    browser = Client()
    browser.post("/en/accounts/password/reset/", {"email": user.email})
    [message] = mail.outbox
    link = re.search(r"https?://[^/]+(/en/accounts/password/reset/key/\S+/)", message.body)[1]
    set_password_url = browser.get(link)["Location"]
    response = browser.post(
        set_password_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert api_with(token).post("/api/v1/offers/", {}, format="json").status_code == 401


def test_an_admin_setting_a_new_password_revokes_api_tokens():
    user = factories.UserFactory()
    token = token_for(user)
    admin = Client()
    admin.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    response = admin.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert api_with(token).post("/api/v1/offers/", {}, format="json").status_code == 401


def test_mandatory_verification_gives_no_token_to_an_unconfirmed_address(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = factories.UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    response = ask_token(user.email, RIGHT_PASSWORD)
    assert response.status_code == 400
    assert "Confirm your email address" in response.json()["email"][0]
    assert not Token.objects.filter(user=user).exists()
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert ask_token(user.email, RIGHT_PASSWORD).status_code == 200
