"""Issue 10, attack 8 (unsubscribe links): the link carried the user id in clear and could
never be revoked.

The old token was ``signing.dumps({"user": pk}, compress=True)``: anyone holding one email could
read whose account it was, and a forwarded link worked for ever. Now the link is a random key
that names nobody and the owner can replace it.
"""

from __future__ import annotations

import base64
import binascii
import zlib

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import translation

from notifications.services import preference_for, unsubscribe_url
from tests import factories

pytestmark = pytest.mark.django_db


def readable_parts(token: str) -> list[str]:
    """What an attacker can read out of a token without any key: every segment decoded as
    URL-safe base64 (and inflated if compressed), as Django's signing format allows."""
    parts = []
    for segment in token.replace(".", ":").split(":"):
        try:
            raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        except (binascii.Error, ValueError):
            continue
        for candidate in (raw, _inflate(raw)):
            if candidate:
                parts.append(candidate.decode("latin-1"))
    return parts


def _inflate(raw: bytes) -> bytes:
    try:
        return zlib.decompress(raw)
    except zlib.error:
        return b""


def token_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def test_the_link_does_not_say_whose_it_is():
    user = factories.UserFactory()
    token = token_of(unsubscribe_url(user))
    for part in readable_parts(token):
        assert '"user"' not in part
        assert f":{user.pk}}}" not in part.replace(" ", "")


def test_a_revoked_link_no_longer_unsubscribes():
    user = factories.UserFactory()
    old_url = unsubscribe_url(user)
    browser = Client()
    browser.force_login(user)
    response = browser.post("/en/notifications/settings/unsubscribe-links/revoke/")
    assert response.status_code == 302

    # Someone with an old email tries the link.
    stranger = Client()
    assert stranger.get(old_url).status_code == 400
    assert stranger.post(old_url).status_code == 400
    assert preference_for(user).channels == ["email"]
    # The link in new emails works.
    new_url = unsubscribe_url(user)
    assert new_url != old_url
    assert stranger.post(new_url).status_code == 200
    assert preference_for(user).channels == []


def test_an_old_format_signed_link_answers_400_and_changes_nothing():
    user = factories.UserFactory()
    preference_for(user)
    # Made the way links were made before: a signed, readable user id.
    old_token = signing.dumps(
        {"user": user.pk}, salt="pomoc.notifications.unsubscribe", compress=True
    )
    with translation.override("en"):
        url = reverse("notifications:unsubscribe", args=[old_token])
    client = Client()
    assert client.get(url).status_code == 400
    response = client.post(url)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    assert preference_for(user).channels == ["email"]


def test_revoking_needs_a_signed_in_post():
    user = factories.UserFactory()
    token_before = token_of(unsubscribe_url(user))
    assert Client().post("/en/notifications/settings/unsubscribe-links/revoke/").status_code == 302
    browser = Client()
    browser.force_login(user)
    assert browser.get("/en/notifications/settings/unsubscribe-links/revoke/").status_code == 405
    assert token_of(unsubscribe_url(user)) == token_before
