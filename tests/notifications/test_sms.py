"""The SMS channel (issue 12, part 3): an HTTP gateway adapter, tested against a local server
that plays the gateway, errors and timeouts included."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from notifications.channels import channel_names
from notifications.models import Delivery
from notifications.services import delivery_send, notify
from notifications.sms import is_gsm, sms_compose, sms_length
from tests import factories
from tests.conftest import register_person


@pytest.fixture
def texter(db, sms_gateway):
    """Someone who asked for SMS only."""
    from notifications.services import preference_update

    user = factories.UserFactory(phone="+420 777 123 456", preferred_language="en")
    preference_update(user=user, channels=["sms"], mode="immediate")
    return user


def _send(recipient, *, key: str = "test:1") -> Delivery:
    notification = notify(
        recipient=recipient,
        kind="membership_decided",
        dedupe_key=key,
        context={"organisation": factories.OrganisationFactory(name="Hotline"), "approved": True},
        action_path="/en/my/organisations/",
    )
    delivery = notification.deliveries.get(channel="sms")
    delivery_send(delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_sms_goes_to_the_gateway_as_json_with_the_token(texter, sms_gateway):
    delivery = _send(texter)

    assert delivery.status == Delivery.Status.SENT
    [request] = sms_gateway.requests
    assert request["headers"]["Authorization"] == "Bearer gateway-token"
    assert request["json"]["to"] == "+420777123456"
    text = request["json"]["text"]
    assert text.endswith("http://127.0.0.1:8000/en/my/organisations/")
    assert sms_length(text) <= 160 and is_gsm(text)


def test_rapidpro_broadcast_format(texter, sms_gateway, settings):
    settings.POMOC_SMS_GATEWAY_KIND = "rapidpro"
    _send(texter)
    [request] = sms_gateway.requests
    assert request["headers"]["Authorization"] == "Token gateway-token"
    assert request["json"]["urns"] == ["tel:+420777123456"]
    assert "http://127.0.0.1:8000/en/my/organisations/" in request["json"]["text"]


@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_gateway_error_keeps_the_delivery_for_a_retry(texter, sms_gateway, status):
    sms_gateway.status = status
    delivery = _send(texter)

    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert f"answered {status}" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    # The gateway is back: the retry, when it is due, sends it.
    sms_gateway.status = 202
    delivery.next_attempt_at = timezone.now() - dt.timedelta(seconds=1)
    delivery.save()
    assert delivery_send(delivery.pk) == Delivery.Status.SENT
    assert len(sms_gateway.requests) == 2


def test_gateway_timeout_keeps_the_delivery_for_a_retry(texter, sms_gateway, settings):
    settings.POMOC_SMS_GATEWAY_TIMEOUT = 0.3
    sms_gateway.delay = 1.0
    delivery = _send(texter)
    assert delivery.status == Delivery.Status.PENDING
    assert "could not be reached" in delivery.last_error


def test_unreachable_gateway_keeps_the_delivery_for_a_retry(texter, sms_gateway, settings):
    sms_gateway.stop()
    delivery = _send(texter)
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.last_error


def test_no_gateway_means_no_sms_channel():
    # The development and test default: offline, nothing is sent by SMS.
    assert "sms" not in channel_names()


def test_person_without_email_gets_sms_and_never_email(db, sms_gateway, operator):
    person = register_person(operator)
    notification = notify(
        recipient=person,
        kind="membership_decided",
        dedupe_key="test:2",
        context={"organisation": factories.OrganisationFactory(), "approved": True},
    )
    assert list(notification.deliveries.values_list("channel", flat=True)) == ["sms"]


def test_messages_fit_one_sms_in_each_alphabet():
    link = "https://pomoc.example/uk/matches/12345/"
    ukrainian = sms_compose(
        "Помоc: пропозиція «Теплі куртки для дітей у Празі» чекає на вашу відповідь.",
        keep="Відповідь ТАК K7Q2 або НІ K7Q2.",
        link=link,
        language="uk",
    )
    # Cyrillic goes as UCS-2: 70 characters where possible; here the link and the reply
    # instructions alone take most of them, so the text is cut to what still fits...
    assert not is_gsm(ukrainian)
    assert ukrainian.endswith(f"ТАК K7Q2 або НІ K7Q2. {link}")
    # ... and Czech loses its diacritics to fit the 160 characters of the GSM alphabet.
    czech = sms_compose(
        "Pomoc: nabídka „Teplé bundy“ čeká na vaši odpověď.",
        keep="Odpovězte ANO K7Q2 nebo NE K7Q2.",
        link=link,
        language="cs",
    )
    assert is_gsm(czech) and sms_length(czech) <= 160
    assert (
        czech.startswith('Pomoc: nabidka "Teple bundy" ceka')
        and "Odpovezte ANO K7Q2 nebo NE K7Q2." in czech
    )
    long_english = sms_compose("word " * 100, keep="Reply YES K7Q2.", link=link, language="en")
    assert sms_length(long_english) == 160 and long_english.endswith(f"... Reply YES K7Q2. {link}")


def test_person_registered_before_the_gateway_gets_sms_once_it_is_configured(
    db, operator, settings
):
    person = register_person(operator)  # no gateway yet: nothing goes out by SMS
    first = notify(
        recipient=person,
        kind="membership_decided",
        dedupe_key="test:3",
        context={"organisation": factories.OrganisationFactory(), "approved": True},
    )
    assert not first.deliveries.exists()

    settings.POMOC_SMS_GATEWAY_URL = "http://127.0.0.1:9/send"
    settings.POMOC_NOTIFICATION_CHANNELS = {
        **settings.POMOC_NOTIFICATION_CHANNELS,
        "sms": "notifications.channels.sms.SmsChannel",
    }
    second = notify(
        recipient=person,
        kind="membership_decided",
        dedupe_key="test:4",
        context={"organisation": factories.OrganisationFactory(), "approved": True},
    )
    assert list(second.deliveries.values_list("channel", flat=True)) == ["sms"]
