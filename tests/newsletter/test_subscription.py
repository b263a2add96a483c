"""Double opt-in: anyone subscribes without an account; only a confirmed address gets issues."""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from newsletter.models import Subscriber
from newsletter.services import subscribers_purge_unconfirmed
from notifications.models import Notification
from notifications.services import deliveries_send_due

pytestmark = pytest.mark.django_db


def in_ukrainian(message: str) -> str:
    # The subscriber chose Ukrainian, and the pages answer in the subscriber's language.
    with translation.override("uk"):
        return gettext(message)


def url(name: str, *args) -> str:
    with translation.override("en"):
        return reverse(f"newsletter:{name}", args=args)


def subscribe(client, email="ngo@example.org", language="uk", **extra):
    return client.post(url("subscribe"), {"email": email, "language": language}, **extra)


def confirmation_link() -> str:
    """The path of the confirmation link in the one email sent so far."""
    deliveries_send_due()
    [message] = mail.outbox
    link = re.search(r"https?://\S+/newsletter/confirm/\S+/", message.body).group(0)
    return urlsplit(link).path


def test_a_subscription_is_confirmed_by_the_link_in_the_email(client):
    response = subscribe(client)
    assert response.status_code == 302
    assert response["Location"] == url("subscribe_sent")
    subscriber = Subscriber.objects.get(email="ngo@example.org")
    assert subscriber.status == Subscriber.Status.PENDING

    link = confirmation_link()
    assert mail.outbox[0].to == ["ngo@example.org"]
    # Opening the link (as a mail scanner would) confirms nothing yet.
    page = client.get(link)
    assert page.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.PENDING

    done = client.post(link)
    assert done.status_code == 200
    assert in_ukrainian(
        "Thank you: you will receive the newsletter. Every issue has a link to unsubscribe."
    ) in html.unescape(done.content.decode())
    subscriber.refresh_from_db()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.language == "uk"


def test_the_form_answers_the_same_for_a_subscribed_address(client):
    Subscriber.objects.create(
        email="known@example.org",
        status=Subscriber.Status.CONFIRMED,
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
    )
    new = subscribe(client, email="new@example.org")
    known = subscribe(client, email="Known@Example.org")
    assert (new.status_code, new["Location"]) == (known.status_code, known["Location"])
    # The subscribed address gets no email and nothing about it changes.
    assert not Notification.objects.filter(email="known@example.org").exists()
    assert Subscriber.objects.get(email="known@example.org").status == "confirmed"


def test_a_forged_link_is_refused_and_nothing_changes(client):
    subscribe(client)
    link = confirmation_link()
    forged = link.replace("/confirm/", "/confirm/x")
    for response in (client.get(forged), client.post(forged)):
        assert response.status_code == 400
        assert in_ukrainian(
            "This confirmation link is not valid. Copy the whole link from the email, "
            "or subscribe again."
        ) in html.unescape(response.content.decode())
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_an_expired_link_is_refused_and_the_subscription_is_deleted_later(client, settings):
    settings.POMOC_NEWSLETTER_CONFIRM_HOURS = 48
    subscribe(client)
    link = confirmation_link()
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        response = client.post(link)
        assert response.status_code == 400
        assert in_ukrainian(
            "This confirmation link has expired. Subscribe again to get a new one."
        ) in html.unescape(response.content.decode())
        assert Subscriber.objects.get().status == Subscriber.Status.PENDING
        assert subscribers_purge_unconfirmed() == 1
    assert not Subscriber.objects.exists()
    assert not Notification.objects.filter(email="ngo@example.org").exists()


def test_a_confirmed_subscription_is_not_purged(client):
    subscribe(client)
    client.post(confirmation_link())
    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        assert subscribers_purge_unconfirmed() == 0
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED


def test_repeated_requests_do_not_flood_the_inbox(client):
    subscribe(client)
    subscribe(client)
    assert Notification.objects.filter(email="ngo@example.org").count() == 1


def test_requests_from_one_address_are_rate_limited(client, settings):
    settings.POMOC_NEWSLETTER_RATE_LIMIT = 3
    for number in range(3):
        assert subscribe(client, email=f"a{number}@example.org").status_code == 302
    response = subscribe(client, email="late@example.org")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert not Subscriber.objects.filter(email="late@example.org").exists()
    # Another client address is not affected.
    other = subscribe(client, email="other@example.org", REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not an address", "language": "cs"}, "email"),
        ({"email": "", "language": "cs"}, "email"),
        ({"email": "x@example.org", "language": "de"}, "language"),
        ({"email": "x" * 300 + "@example.org", "language": "cs"}, "email"),
    ],
)
def test_bad_input_is_explained_and_nothing_saved(client, data, field):
    response = client.post(url("subscribe"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Subscriber.objects.exists()
    assert not Notification.objects.exists()


def test_the_api_subscribes_too_and_names_bad_fields(client):
    response = client.post(
        "/api/v1/newsletter/subscriptions/",
        {"email": "api@example.org", "language": "cs"},
        content_type="application/json",
    )
    assert response.status_code == 202
    assert Subscriber.objects.get().email == "api@example.org"
    bad = client.post(
        "/api/v1/newsletter/subscriptions/",
        {"email": "nope", "language": "xx"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"email", "language"}
    assert Subscriber.objects.count() == 1
