"""Reporting a post from its page: who may, what is checked, and the rate limit."""

from __future__ import annotations

import pytest

from moderation.models import Report, ReportReason, ReportStatus
from tests import factories
from tests.moderation.conftest import TWINS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("kind", "factory"), TWINS)
def test_signed_in_user_reports_a_post_and_it_reaches_the_queue(
    client, volunteer, coordinator, kind, factory
):
    post = factory(title="Cheap loans, call now")
    client.force_login(volunteer)

    page = client.get(f"/en/{kind}s/{post.pk}/")
    assert "Report this post" in page.content.decode()
    response = client.post(
        f"/en/report/{kind}/{post.pk}/", {"reason": "spam", "comment": "An advert."}
    )

    assert response.status_code == 302
    assert response.url == f"/en/{kind}s/{post.pk}/"
    report = Report.objects.get()
    assert (report.reporter, report.post, report.reason, report.status) == (
        volunteer,
        post,
        ReportReason.SPAM,
        ReportStatus.OPEN,
    )
    client.force_login(coordinator)
    queue = client.get("/en/coordination/moderation/").content.decode()
    assert "Cheap loans, call now" in queue
    assert "An advert." in queue


def test_anonymous_visitor_is_sent_to_log_in_and_nothing_is_recorded(client):
    offer = factories.OfferFactory()

    page = client.get(f"/en/offers/{offer.pk}/").content.decode()
    response = client.post(f"/en/report/offer/{offer.pk}/", {"reason": "spam"})

    assert "Log in to report this post." in page
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "reason", "Choose why you are reporting this post."),
        ({"reason": "rude"}, "reason", "Select a valid choice."),
        ({"reason": "other", "comment": "  "}, "comment", "Tell us briefly what is wrong."),
        ({"reason": "spam", "comment": "x" * 1001}, "comment", "at most 1000 characters"),
    ],
)
def test_bad_report_is_shown_again_with_a_clear_error(client, volunteer, data, field, message):
    offer = factories.OfferFactory()
    client.force_login(volunteer)

    response = client.post(f"/en/report/offer/{offer.pk}/", data)

    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert message.split("(")[0] in response.content.decode().replace("&#x27;", "'")
    assert not Report.objects.exists()


def test_own_post_and_a_second_open_report_are_refused(client, volunteer):
    own = factories.OfferFactory(owner=volunteer)
    other = factories.NeedFactory()
    client.force_login(volunteer)

    mine = client.post(f"/en/report/offer/{own.pk}/", {"reason": "spam"})
    first = client.post(f"/en/report/need/{other.pk}/", {"reason": "abusive"})
    again = client.post(f"/en/report/need/{other.pk}/", {"reason": "spam"})

    assert mine.status_code == 400
    assert "You cannot report your own post." in mine.content.decode()
    assert first.status_code == 302
    assert again.status_code == 400
    assert "already reported" in again.content.decode()
    assert Report.objects.count() == 1


def test_hidden_or_missing_posts_cannot_be_reported(client, volunteer):
    offer = factories.OfferFactory(status="paused")
    client.force_login(volunteer)

    assert client.post(f"/en/report/offer/{offer.pk}/", {"reason": "spam"}).status_code == 404
    assert client.post("/en/report/offer/999999/", {"reason": "spam"}).status_code == 404
    assert client.post(f"/en/report/thing/{offer.pk}/", {"reason": "spam"}).status_code == 404


def test_more_than_ten_reports_an_hour_are_refused(client, volunteer, settings):
    settings.POMOC_REPORT_RATE_LIMIT = 10
    posts = [factories.OfferFactory() for _ in range(11)]
    client.force_login(volunteer)

    answers = [
        client.post(f"/en/report/offer/{post.pk}/", {"reason": "spam"}).status_code
        for post in posts
    ]

    assert answers[:10] == [302] * 10
    assert answers[10] == 429
    assert Report.objects.count() == 10
