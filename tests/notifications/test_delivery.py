"""Notifications go through the outbox and a real SMTP conversation with a local server."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import pytest
import time_machine
from django.utils import timezone

from accounts.services import membership_decide, membership_request
from notifications.models import Delivery, Notification
from notifications.services import (
    deliveries_send_due,
    delivery_send,
    digests_send,
    notify,
    preference_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


def parse(envelope):
    return email.message_from_bytes(envelope.content, policy=policy.default)


def approve_membership(user, coordinator):
    organisation = factories.OrganisationFactory(name="Spolek Most")
    membership = membership_request(user=user, organisation=organisation)
    membership_decide(membership=membership, approve=True, actor=coordinator)
    return Notification.objects.get(recipient=user)


def test_email_arrives_over_smtp_in_the_recipients_language(smtp_server, coordinator):
    smtp_server.start()
    olena = factories.UserFactory(email="olena@example.org", preferred_language="uk")
    notification = approve_membership(olena, coordinator)

    assert delivery_send(notification.deliveries.get().pk) == Delivery.Status.SENT

    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == ["olena@example.org"]
    message = parse(envelope)
    # A long Cyrillic subject is folded after "Subject:", which leaves folding whitespace in
    # front once unfolded; mail clients drop it, so compare without it.
    assert message["Subject"].strip() == notification.subject
    assert "Spolek Most" in message["Subject"]
    assert "Тепер ви член організації" in message["Subject"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Spolek Most" in text and "Spolek Most" in html
    assert "/notifications/unsubscribe/" in message["List-Unsubscribe"]
    assert message["Content-Language"] == "uk"


def test_mail_server_down_loses_nothing_and_delivery_resumes(smtp_server, coordinator):
    # Given the mail server is down when the notification is first sent,
    user = factories.UserFactory(email="ivan@example.org")
    delivery = approve_membership(user, coordinator).deliveries.get()
    assert delivery_send(delivery.pk) == Delivery.Status.PENDING
    delivery.refresh_from_db()
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > timezone.now()
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error

    # a retry before the back-off has passed does not even try,
    assert deliveries_send_due() == 0
    # and when the server comes back and the back-off has passed, the message arrives.
    smtp_server.start()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=2)):
        assert deliveries_send_due() == 1
    assert [envelope.rcpt_tos for envelope in smtp_server.messages] == [["ivan@example.org"]]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 2)


def test_a_notification_is_sent_once_even_if_the_task_runs_twice(smtp_server, coordinator):
    smtp_server.start()
    delivery = approve_membership(factories.UserFactory(), coordinator).deliveries.get()

    first = delivery_send(delivery.pk)
    second = delivery_send(delivery.pk)
    deliveries_send_due()

    assert (first, second) == (Delivery.Status.SENT, "not-claimed")
    assert len(smtp_server.messages) == 1


def test_the_same_event_notifies_once(coordinator):
    user = factories.UserFactory()
    for _ in range(2):
        notify(recipient=user, kind="digest", dedupe_key="event:1", context={"notifications": []})
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Delivery.objects.filter(notification__recipient=user).count() == 1


def test_daily_digest_collects_messages_into_one_email(smtp_server, coordinator):
    smtp_server.start()
    user = factories.UserFactory(email="digest@example.org", preferred_language="en")
    preference_update(user=user, channels=["email"], mode="daily")
    for number in range(3):
        organisation = factories.OrganisationFactory(name=f"Org {number}")
        membership = membership_request(user=user, organisation=organisation)
        membership_decide(membership=membership, approve=True, actor=coordinator)

    # Daily mode sends nothing immediately,
    assert deliveries_send_due() == 0
    # the digest sends one email listing all three.
    assert digests_send() == 1
    assert deliveries_send_due() == 1
    [envelope] = smtp_server.messages
    message = parse(envelope)
    assert message["Subject"] == "Pomoc: 3 new messages"
    body = message.get_body(("plain",)).get_content()
    assert all(f"Org {number}" in body for number in range(3))
    assert digests_send() == 0


def test_user_without_email_channel_gets_inbox_only(smtp_server, coordinator):
    smtp_server.start()
    user = factories.UserFactory()
    preference_update(user=user, channels=[], mode="immediate")
    approve_membership(user, coordinator)
    assert deliveries_send_due() == 0
    assert smtp_server.messages == []
    assert Notification.objects.filter(recipient=user).count() == 1


def test_log_channel_delivers_without_mail(coordinator, caplog):
    user = factories.UserFactory()
    preference_update(user=user, channels=["log"], mode="immediate")
    notification = approve_membership(user, coordinator)
    with caplog.at_level("INFO", logger="pomoc.notifications"):
        assert deliveries_send_due() == 1
    assert notification.subject in caplog.text
