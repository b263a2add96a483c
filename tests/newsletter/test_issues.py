"""Coordinators write an issue in cs/uk/en and send it through the outbox in batches."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import CoordinatorScope
from newsletter.models import Issue, Subscriber
from newsletter.services import issue_send
from notifications.models import Delivery, Notification
from notifications.services import deliveries_send_due
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TEXTS = {
    "subject_en": "Spring news",
    "body_en": "English text of the issue.",
    "subject_cs": "Jarní novinky",
    "body_cs": "Český text čísla.",
    "subject_uk": "",
    "body_uk": "",
}


def url(name: str, *args, language: str = "en") -> str:
    with translation.override(language):
        return reverse(f"newsletter:{name}", args=args)


def subscriber(email: str, language: str) -> Subscriber:
    return Subscriber.objects.create(
        email=email,
        language=language,
        status=Subscriber.Status.CONFIRMED,
        requested_at=timezone.now(),
        confirmed_at=timezone.now(),
    )


@pytest.fixture
def region_coordinator(db):
    user = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, region="Jihomoravský kraj")
    return user


def write_issue(client, coordinator, **changes) -> Issue:
    client.force_login(coordinator)
    response = client.post(url("issue_new"), {**TEXTS, **changes})
    assert response.status_code == 302, response.content.decode()
    return Issue.objects.latest("pk")


def test_an_issue_goes_out_in_batches_in_each_subscribers_language(
    client, platform_coordinator, settings
):
    settings.POMOC_NEWSLETTER_BATCH_SIZE = 2
    settings.POMOC_NEWSLETTER_BATCH_INTERVAL_SECONDS = 60
    subscriber("cs@example.org", "cs")
    subscriber("uk@example.org", "uk")
    subscriber("en@example.org", "en")
    subscriber("cs2@example.org", "cs")
    subscriber("en2@example.org", "en")
    Subscriber.objects.create(email="pending@example.org", requested_at=timezone.now())
    issue = write_issue(client, platform_coordinator)

    start = timezone.now()
    response = client.post(url("issue_send", issue.pk))
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.status, issue.recipients) == (Issue.Status.SENT, 5)

    # The outbox's every-minute run sends one batch at a time.
    with time_machine.travel(start + dt.timedelta(seconds=1)):
        deliveries_send_due()
    assert len(mail.outbox) == 2
    with time_machine.travel(start + dt.timedelta(seconds=61)):
        deliveries_send_due()
    assert len(mail.outbox) == 4
    with time_machine.travel(start + dt.timedelta(seconds=121)):
        deliveries_send_due()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {
        "cs@example.org",
        "uk@example.org",
        "en@example.org",
        "cs2@example.org",
        "en2@example.org",
    }
    assert by_address["cs@example.org"].subject == "Jarní novinky"
    assert "Český text čísla." in by_address["cs@example.org"].body
    # No Ukrainian text was written: the English one.
    assert by_address["uk@example.org"].subject == "Spring news"
    assert "English text of the issue." in by_address["uk@example.org"].body
    assert Delivery.objects.filter(status=Delivery.Status.SENT).count() == 5


def test_every_issue_email_has_a_one_click_unsubscribe(client, platform_coordinator):
    subscriber("ngo@example.org", "en")
    issue = write_issue(client, platform_coordinator)
    issue_send(user=platform_coordinator, issue_id=issue.pk)
    deliveries_send_due()
    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body

    # The mail client's one-click POST: no session, no CSRF token.
    from django.test import Client

    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(
        urlsplit(link).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert not Subscriber.objects.exists()
    # Nothing keeps the address: not the subscriber, not the emails sent to it.
    assert not Notification.objects.filter(email="ngo@example.org").exists()
    # The link names nobody any more.
    assert mail_client.post(urlsplit(link).path).status_code == 400


def test_an_unsubscribed_address_gets_no_later_batch(client, platform_coordinator, settings):
    settings.POMOC_NEWSLETTER_BATCH_SIZE = 1
    subscriber("first@example.org", "en")
    leaving = subscriber("second@example.org", "en")
    issue = write_issue(client, platform_coordinator)
    start = timezone.now()
    issue_send(user=platform_coordinator, issue_id=issue.pk, now=start)
    client.post(url("unsubscribe", leaving.key))
    with time_machine.travel(start + dt.timedelta(minutes=5)):
        deliveries_send_due()
    assert [message.to for message in mail.outbox] == [["first@example.org"]]


def test_an_issue_is_sent_once(client, platform_coordinator):
    subscriber("ngo@example.org", "en")
    issue = write_issue(client, platform_coordinator)
    client.post(url("issue_send", issue.pk))
    response = client.post(url("issue_send", issue.pk), follow=True)
    assert "already been sent" in response.content.decode()
    assert Delivery.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"subject_en": ""}, "subject_en"),
        ({"body_en": "   "}, "body_en"),
        ({"subject_uk": "Тема", "body_uk": ""}, "body_uk"),
        ({"subject_en": "x" * 201}, "subject_en"),
    ],
)
def test_a_bad_issue_is_explained_and_nothing_saved(client, platform_coordinator, changes, field):
    client.force_login(platform_coordinator)
    response = client.post(url("issue_new"), {**TEXTS, **changes})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Issue.objects.exists()


def test_only_platform_coordinators_write_and_send(client, region_coordinator, volunteer):
    issue = Issue.objects.create(subject_en="Draft", body_en="Text")
    subscriber("ngo@example.org", "en")
    for user in (region_coordinator, volunteer):
        client.force_login(user)
        assert client.get(url("issue_list")).status_code == 403
        assert client.post(url("issue_new"), TEXTS).status_code == 403
        assert client.post(url("issue_send", issue.pk)).status_code == 403
    client.logout()
    assert client.post(url("issue_send", issue.pk)).status_code == 302  # to the log-in
    issue.refresh_from_db()
    assert issue.status == Issue.Status.DRAFT
    assert Issue.objects.count() == 1
    assert not Delivery.objects.exists()


def test_the_archive_shows_sent_issues_in_the_readers_language(client, platform_coordinator):
    draft = Issue.objects.create(subject_en="Unfinished draft", body_en="Not yet")
    issue = write_issue(client, platform_coordinator)
    issue_send(user=platform_coordinator, issue_id=issue.pk)
    client.logout()

    archive = client.get(url("archive", language="cs")).content.decode()
    assert "Jarní novinky" in archive
    assert "Unfinished draft" not in archive
    detail = client.get(url("archive_detail", issue.pk, language="uk"))
    assert "English text of the issue." in detail.content.decode()
    assert client.get(url("archive_detail", draft.pk)).status_code == 404
    api = client.get("/api/v1/newsletter/issues/").json()
    assert [item["id"] for item in api["results"]] == [issue.pk]


def test_the_api_writes_and_sends_issues_for_platform_coordinators_only(
    client, platform_coordinator, region_coordinator
):
    subscriber("ngo@example.org", "cs")
    client.force_login(region_coordinator)
    assert client.get("/api/v1/newsletter/drafts/").status_code == 403
    refused = client.post("/api/v1/newsletter/drafts/", TEXTS, content_type="application/json")
    assert refused.status_code == 403
    assert not Issue.objects.exists()

    client.force_login(platform_coordinator)
    for changes, field in (({"subject_en": ""}, "subject_en"), ({"subject_uk": "Тема"}, "body_uk")):
        bad = client.post(
            "/api/v1/newsletter/drafts/", {**TEXTS, **changes}, content_type="application/json"
        )
        assert bad.status_code == 400
        assert field in bad.json()
    assert not Issue.objects.exists()

    created = client.post("/api/v1/newsletter/drafts/", TEXTS, content_type="application/json")
    assert created.status_code == 201
    issue_id = created.json()["id"]
    changed = client.patch(
        f"/api/v1/newsletter/drafts/{issue_id}/",
        {"subject_en": "Summer news"},
        content_type="application/json",
    )
    assert changed.status_code == 200 and changed.json()["subject_en"] == "Summer news"
    sent = client.post(f"/api/v1/newsletter/drafts/{issue_id}/send/")
    assert sent.status_code == 200
    assert (sent.json()["status"], sent.json()["recipients"]) == ("sent", 1)
    again = client.post(f"/api/v1/newsletter/drafts/{issue_id}/send/")
    assert again.status_code == 400
    assert Delivery.objects.count() == 1
