"""Russian and Polish speakers get their emails in their own language, over real SMTP."""

from __future__ import annotations

import pytest

from accounts.services import membership_decide, membership_request
from notifications.models import Delivery, Notification
from notifications.services import deliveries_send_due, digests_send, preference_update
from tests import factories
from tests.notifications.test_delivery import parse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "subject", "greeting", "body"),
    [
        (
            "ru",
            "Теперь вы член организации Spolek Most",
            "Здравствуйте, Ирина!",
            "Координатор подтвердил, что вы работаете в организации Spolek Most.",
        ),
        (
            "pl",
            "Jesteś teraz członkiem organizacji Spolek Most",
            "Dzień dobry, Ирина,",
            "Koordynator potwierdził, że pracujesz dla organizacji Spolek Most.",
        ),
    ],
)
def test_email_arrives_in_russian_or_polish(
    smtp_server, coordinator, language, subject, greeting, body
):
    smtp_server.start()
    person = factories.UserFactory(
        email="irina@example.org", display_name="Ирина", preferred_language=language
    )
    organisation = factories.OrganisationFactory(name="Spolek Most")
    membership = membership_request(user=person, organisation=organisation)
    membership_decide(membership=membership, approve=True, actor=coordinator)

    assert deliveries_send_due() == 1
    [envelope] = smtp_server.messages
    message = parse(envelope)
    assert message["Subject"].strip() == subject
    assert message["Content-Language"] == language
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert greeting in text and body in text
    assert body in html
    # The HTML part says which language it is in, so a screen reader picks the right voice.
    assert f'<html lang="{language}">' in html
    # The footer is translated too.
    footer = {"ru": "Отписаться от этих писем", "pl": "Wypisz się z tych e-maili"}[language]
    assert footer in text and footer in html
    assert Notification.objects.get(recipient=person).language == language


@pytest.mark.parametrize(
    ("language", "count", "subject"),
    [
        ("ru", 2, "Pomoc: 2 новых сообщения"),
        ("ru", 5, "Pomoc: 5 новых сообщений"),
        ("pl", 2, "Pomoc: 2 nowe wiadomości"),
        ("pl", 5, "Pomoc: 5 nowych wiadomości"),
    ],
)
def test_daily_digest_counts_in_the_recipients_grammar(
    smtp_server, coordinator, language, count, subject
):
    smtp_server.start()
    person = factories.UserFactory(preferred_language=language)
    preference_update(user=person, channels=["email"], mode="daily")
    for number in range(count):
        organisation = factories.OrganisationFactory(name=f"Org {number}")
        membership = membership_request(user=person, organisation=organisation)
        membership_decide(membership=membership, approve=True, actor=coordinator)

    assert digests_send() == 1
    assert deliveries_send_due() == 1
    [envelope] = smtp_server.messages
    assert parse(envelope)["Subject"].strip() == subject
    digest = Notification.objects.get(recipient=person, kind="digest")
    assert digest.deliveries.get().status == Delivery.Status.SENT
