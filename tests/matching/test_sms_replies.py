"""Yes/no by SMS (issue 12, part 3): a reply is matched by the code in the question and the
phone it comes from, never by the phone alone."""

from __future__ import annotations

import json
import re

import pytest

from accounts.models import Membership
from matching import lifecycle
from matching.models import MatchStatus, SmsReplyCode
from notifications.models import Notification
from notifications.sms import is_gsm, sms_length
from tests import factories
from tests.conftest import register_person

SECRET = "inbound-secret"


@pytest.fixture(autouse=True)
def _inbound_secret(settings):
    settings.POMOC_SMS_INBOUND_SECRET = SECRET


@pytest.fixture
def person(operator, sms_gateway):
    return register_person(operator, phone="+420 777 900 100", preferred_language="en")


def _approved_match(person, operator, coordinator, title: str):
    organisation = Membership.objects.get(user=operator).organisation
    need = factories.NeedFactory(owner=person, organisation=organisation, title=f"Need {title}")
    offer = factories.OfferFactory(title=title, owner=factories.UserFactory())
    return lifecycle.match_approve(
        factories.MatchFactory(offer=offer, need=need), actor=coordinator
    )


def _code_in_sms(person, match) -> str:
    notification = Notification.objects.get(
        recipient=person, kind="match_approved", dedupe_key__startswith=f"match:{match.pk}:"
    )
    found = re.search(r"YES ([A-Z0-9]{4}) or NO \1", notification.body_sms)
    assert found, notification.body_sms
    return found.group(1)


def _reply(client, text: str, phone: str = "+420777900100", secret: str = SECRET, **extra):
    return client.post(
        "/sms/inbound/",
        json.dumps({"from": phone, "text": text, **extra}),
        content_type="application/json",
        headers={"X-Pomoc-Secret": secret, "Accept-Language": "en"},
    )


def test_approval_sms_is_short_and_carries_a_code_and_link(person, operator, platform_coordinator):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    notification = Notification.objects.get(recipient=person, kind="match_approved")
    assert is_gsm(notification.body_sms) and sms_length(notification.body_sms) <= 160
    assert notification.body_sms.endswith(f"/en/matches/{match.pk}/")
    assert _code_in_sms(person, match)
    # The operator's copy carries no reply code: the code belongs to the person's phone.
    copy = Notification.objects.get(recipient=operator, kind="match_approved")
    assert "YES" not in copy.body_sms


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("YES", "accepted"),
        ("ano", "accepted"),
        ("ТАК", "accepted"),
        ("NE", "declined"),
        ("no", "declined"),
        ("НІ", "declined"),
    ],
)
def test_reply_with_the_code_answers_the_match(
    client, person, operator, platform_coordinator, word, expected
):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    code = _code_in_sms(person, match)

    response = _reply(client, f"{word} {code.lower()}")

    assert response.status_code == 200
    match.refresh_from_db()
    assert match.need_response == expected
    assert response.json()["ok"] is True
    # A code works once.
    assert _reply(client, f"{word} {code}").status_code == 404


def test_one_phone_with_two_matches_answers_the_one_whose_code_it_sends(
    client, person, operator, platform_coordinator
):
    first = _approved_match(person, operator, platform_coordinator, "Warm coats")
    second = _approved_match(person, operator, platform_coordinator, "Winter boots")
    first_code, second_code = _code_in_sms(person, first), _code_in_sms(person, second)
    assert first_code != second_code

    assert _reply(client, f"NO {second_code}").status_code == 200

    first.refresh_from_db(), second.refresh_from_db()
    assert first.need_response == "pending" and first.status == MatchStatus.APPROVED
    assert second.status == MatchStatus.DECLINED


def test_reply_with_another_phones_code_changes_nothing(
    client, person, operator, platform_coordinator
):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    code = _code_in_sms(person, match)

    response = _reply(client, f"YES {code}", phone="+420 602 000 111")

    assert response.status_code == 404
    assert "unknown or was not sent to this phone" in response.json()["reply"]
    match.refresh_from_db()
    assert match.need_response == "pending"
    assert SmsReplyCode.objects.get(code=code).used_at is None


def test_unknown_code_changes_nothing(client, person, operator, platform_coordinator):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    code = _code_in_sms(person, match)
    other = "".join("A" if char != "A" else "B" for char in code)
    response = _reply(client, f"YES {other}")
    assert response.status_code == 404
    match.refresh_from_db()
    assert match.need_response == "pending"


def test_reply_to_a_match_no_longer_waiting(client, person, operator, platform_coordinator):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    code = _code_in_sms(person, match)
    lifecycle.match_respond(match, actor=operator, accept=False)
    response = _reply(client, f"YES {code}")
    assert response.status_code == 409
    assert "no longer waits" in response.json()["reply"]
    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED


@pytest.mark.parametrize("text", ["hello", "YES", "MAYBE K7Q2", ""])
def test_reply_that_is_not_yes_or_no_with_a_code(client, person, text):
    response = _reply(client, text)
    assert response.status_code == 400
    body = response.json()
    assert body.get("ok") is False or "text" in body


@pytest.mark.parametrize("secret", ["", "wrong"])
def test_inbound_webhook_needs_the_shared_secret(
    client, person, operator, platform_coordinator, secret
):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    code = _code_in_sms(person, match)
    response = _reply(client, f"YES {code}", secret=secret)
    assert response.status_code == 403
    match.refresh_from_db()
    assert match.need_response == "pending"


def test_inbound_webhook_is_closed_without_a_configured_secret(client, settings, db):
    settings.POMOC_SMS_INBOUND_SECRET = ""
    assert _reply(client, "YES K7Q2", secret="").status_code == 403


def test_inbound_form_post_from_a_rapidpro_style_webhook(
    client, person, operator, platform_coordinator
):
    match = _approved_match(person, operator, platform_coordinator, "Warm coats")
    code = _code_in_sms(person, match)
    response = client.post(
        f"/sms/inbound/?secret={SECRET}", {"urn": "tel:+420777900100", "text": f"ANO {code}"}
    )
    assert response.status_code == 200
    match.refresh_from_db()
    assert match.need_response == "accepted"


def test_inbound_without_sender_names_the_field(client, db):
    response = client.post(
        "/sms/inbound/",
        json.dumps({"text": "YES K7Q2"}),
        content_type="application/json",
        headers={"X-Pomoc-Secret": SECRET},
    )
    assert response.status_code == 400
    assert "from" in response.json()
