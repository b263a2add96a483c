"""A mail server that times out, answers 4xx or 5xx: every delivery is retried, given up after
its last attempt, and the platform coordinators learn of it once in their inbox, not by mail."""

from __future__ import annotations

import datetime as dt
import socket
import threading

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from notifications.models import Delivery, Notification
from notifications.services import deliveries_send_due, delivery_send, notify
from tests import factories
from tests.notifications.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _coordinators_read_english(platform_coordinator):
    # The alert is asserted in English; the site's default language is Czech.
    platform_coordinator.preferred_language = "en"
    platform_coordinator.save(update_fields=["preferred_language"])


class Refusing:
    """An aiosmtpd handler that answers every recipient with one fixed reply."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.accepted: list = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.reply

    async def handle_DATA(self, server, session, envelope):
        self.accepted.append(envelope)
        return "250 OK"


class Silent:
    """A TCP server that accepts connections and never says a word (a hung mail server)."""

    def __init__(self, port: int) -> None:
        self.listener = socket.create_server(("127.0.0.1", port))
        self.connections: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)

    def _accept(self) -> None:
        while True:
            try:
                connection, _address = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def faulty_smtp(settings, request):
    """A real local SMTP server with the fault named by the test's parameter."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_TIMEOUT = 1
    if request.param == "timeout":
        server = Silent(port)
    else:
        server = Controller(Refusing(request.param), hostname="127.0.0.1", port=port)
    server.start()
    yield request.param
    server.stop()


def send_to(email: str) -> Delivery:
    person = factories.UserFactory(email=email)
    notification = notify(
        recipient=person, kind="match_reminder", dedupe_key=f"test:{email}", context={}
    )
    return notification.deliveries.get(channel="email")


def retry_until_settled(delivery: Delivery) -> list[str]:
    """Run the scheduled retry, an hour later each time, until the delivery is no longer
    pending; returns the status after each attempt."""
    statuses = [delivery_send(delivery.pk)]
    moment = timezone.now()
    while statuses[-1] == Delivery.Status.PENDING and len(statuses) < 20:
        moment += dt.timedelta(hours=1)
        with time_machine.travel(moment, tick=False):
            deliveries_send_due()
        delivery.refresh_from_db()
        statuses.append(delivery.status)
    return statuses


def alerts_for(person) -> list[Notification]:
    return list(Notification.objects.filter(recipient=person, kind="deliveries_failed"))


@pytest.mark.parametrize(
    ("faulty_smtp", "error_text", "attempts"),
    [
        ("timeout", "timed out", 4),
        ("421 4.3.2 Service not available, try later", "421", 4),
        ("550 5.1.1 No such mailbox", "550", 2),
    ],
    indirect=["faulty_smtp"],
)
def test_a_failing_mail_server_is_retried_then_the_delivery_fails_and_coordinators_are_told(
    faulty_smtp, error_text, attempts, settings, platform_coordinator
):
    # Given four attempts for a passing fault and two for a refusal for good (5xx),
    settings.POMOC_NOTIFICATION_MAX_ATTEMPTS = 4
    settings.POMOC_NOTIFICATION_PERMANENT_MAX_ATTEMPTS = 2
    delivery = send_to("olena@example.org")

    # when the mail server keeps failing,
    statuses = retry_until_settled(delivery)

    # the delivery is retried and, after its last attempt, failed with the server's answer;
    assert statuses == [Delivery.Status.PENDING] * (attempts - 1) + [Delivery.Status.FAILED]
    delivery.refresh_from_db()
    assert delivery.attempts == attempts
    assert error_text in delivery.last_error
    # the platform coordinator finds one alert in their inbox, linking to the failed list,
    [alert] = alerts_for(platform_coordinator)
    assert alert.subject == "Messages could not be delivered"
    assert "1 message could not be delivered" in alert.body_text
    assert alert.action_url.endswith("/admin/notifications/delivery/?status__exact=failed")
    # and the alert is not itself sent by mail to a mail server that is failing.
    assert not alert.deliveries.exists()


@pytest.mark.parametrize("faulty_smtp", ["550 5.1.1 No such mailbox"], indirect=True)
def test_many_failed_deliveries_alert_each_coordinator_once_an_hour(
    faulty_smtp, settings, platform_coordinator
):
    settings.POMOC_NOTIFICATION_PERMANENT_MAX_ATTEMPTS = 1
    volunteer = factories.UserFactory(roles=["volunteer"])  # not a coordinator: no alert
    now = timezone.now()
    with time_machine.travel(now.replace(minute=5), tick=False):
        for number in range(5):
            assert delivery_send(send_to(f"p{number}@example.org").pk) == Delivery.Status.FAILED
    assert len(alerts_for(platform_coordinator)) == 1
    assert alerts_for(volunteer) == []

    # An hour later a new failure alerts again, counting the day's failures.
    with time_machine.travel(now.replace(minute=5) + dt.timedelta(hours=1), tick=False):
        assert delivery_send(send_to("late@example.org").pk) == Delivery.Status.FAILED
    alerts = alerts_for(platform_coordinator)
    assert len(alerts) == 2
    assert "6 messages could not be delivered" in alerts[0].body_text


@pytest.mark.parametrize("faulty_smtp", ["421 4.7.0 Try again later"], indirect=True)
def test_a_passing_refusal_is_not_given_up_early(faulty_smtp, settings, platform_coordinator):
    settings.POMOC_NOTIFICATION_MAX_ATTEMPTS = 30
    settings.POMOC_NOTIFICATION_PERMANENT_MAX_ATTEMPTS = 1
    delivery = send_to("ivan@example.org")
    assert delivery_send(delivery.pk) == Delivery.Status.PENDING
    assert alerts_for(platform_coordinator) == []
