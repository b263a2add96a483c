"""A blocked user can no longer log in or post, and their posts disappear."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import CoordinatorScope
from moderation.models import UserBlock
from moderation.services import user_block
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_blocked_user_cannot_log_in_loses_their_session_and_token_and_posts_are_hidden(
    client, coordinator
):
    spammer = factories.UserFactory(email="spam@example.org")
    offer = factories.OfferFactory(owner=spammer, title="Buy followers")
    need = factories.NeedFactory(owner=spammer, status="paused")
    token = Token.objects.create(user=spammer)
    client.force_login(spammer)
    assert client.get("/en/offers/new/").status_code == 200

    user_block(actor=coordinator, user=spammer, reason="Spam posts")

    # The open session is over: posting needs a log-in again...
    response = client.get("/en/offers/new/")
    assert response.status_code == 302 and "/accounts/login/" in response.url
    # ...and logging in is refused.
    fresh = Client()
    login = fresh.post("/en/accounts/login/", {"login": spammer.email, "password": PASSWORD})
    # allauth sends an inactive account to its "account inactive" page, not signed in.
    assert login.status_code == 302 and login.url.endswith("/accounts/inactive/")
    assert "_auth_user_id" not in fresh.session
    assert "/accounts/login/" in fresh.get("/en/needs/new/").url
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get("/api/v1/offers/").status_code == 401
    # Their posts are gone for everyone else.
    client.logout()
    assert client.get(f"/en/offers/{offer.pk}/").status_code == 404
    assert "Buy followers" not in client.get("/en/offers/").content.decode()
    offer.refresh_from_db()
    need.refresh_from_db()
    assert offer.hidden_at is not None and need.hidden_at is not None
    assert "Spam posts" in offer.hidden_reason
    block = UserBlock.objects.get()
    assert (block.user, block.blocked_by, block.reason) == (spammer, coordinator, "Spam posts")


def test_a_user_who_was_never_blocked_still_logs_in(client):
    user = factories.UserFactory()
    response = client.post("/en/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_blocking_needs_a_coordinator_and_a_reason_and_spares_coordinators(coordinator, volunteer):
    other = factories.UserFactory()
    with pytest.raises(PermissionDenied):
        user_block(actor=volunteer, user=other, reason="Because")
    with pytest.raises(ValidationError) as missing:
        user_block(actor=coordinator, user=other, reason=" ")
    assert list(missing.value.message_dict) == ["reason"]
    colleague = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=colleague, region="Jihomoravský kraj")
    with pytest.raises(ValidationError):
        user_block(actor=coordinator, user=colleague, reason="x")
    other.refresh_from_db()
    assert other.is_active
    assert not UserBlock.objects.exists()
