"""Issue 10, attack 6: sign-up told whether an email address is registered.

The attacker signs up with the address they want to test and compares the answer with one for
an address that surely is new. Both answers must be the same (status, where they lead, what that
page says, nobody signed in); the owner of the registered address gets an email instead.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def sign_up(email: str) -> tuple[Client, object]:
    client = Client()
    response = client.post(
        "/en/accounts/signup/",
        {
            "email": email,
            "password1": "a-long-and-unusual-pass",
            "password2": "a-long-and-unusual-pass",
            "intent": "offer",
            "preferred_language": "en",
        },
    )
    return client, response


def page_without_secrets(client: Client, url: str, email: str) -> str:
    html = client.get(url).content.decode()
    html = html.replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_signup_answers_the_same_for_a_registered_and_a_new_address():
    factories.UserFactory(email="registered@example.org")

    taken_client, taken = sign_up("registered@example.org")
    new_client, new = sign_up("brand-new@example.org")

    assert taken.status_code == new.status_code == 302
    assert taken["Location"] == new["Location"]
    assert "already registered" not in taken.content.decode()
    assert "_auth_user_id" not in taken_client.session
    assert "_auth_user_id" not in new_client.session
    # Following the redirect, both see the same page ("check your inbox", with the address
    # they typed in the message).
    taken_page = page_without_secrets(taken_client, taken["Location"], "registered@example.org")
    new_page = page_without_secrets(new_client, new["Location"], "brand-new@example.org")
    assert taken_page == new_page
    assert "Check your inbox" in taken_page


def test_the_owner_of_a_registered_address_gets_an_email_instead():
    owner = factories.UserFactory(email="registered@example.org")
    password_before = owner.password

    sign_up("registered@example.org")

    assert User.objects.count() == 1
    owner.refresh_from_db()
    assert owner.password == password_before  # the attacker's password was not set
    [message] = mail.outbox
    assert message.to == ["registered@example.org"]
    body = message.body.lower()
    assert "already exists" in body
    assert "/accounts/password/reset/" in message.body  # how to get back in if it was them
