"""The two one-click questions of issue 12 as people receive them: "Is this still valid?" and
"How did it go?", by email through the outbox, once, in the recipient's language, with links
that work from the mail without logging in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from matching.follow_up import matches_follow_up
from matching.models import MatchStatus
from notifications.services import deliveries_send_due
from posts.freshness import posts_refresh
from posts.models import PostStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _locmem_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.POMOC_BASE_URL = "https://pomoc.example.org"


def _links(body: str, path: str) -> list[str]:
    return re.findall(rf"https://pomoc\.example\.org(/\w\w/{path}/[^/\s]+/)", body)


def test_still_valid_is_mailed_once_with_working_keep_and_close_links():
    owner = factories.UserFactory(email="olga@example.org", preferred_language="en")
    offer = factories.OfferFactory(
        owner=owner, title="Winter coats", fresh_until=timezone.localdate() + dt.timedelta(days=3)
    )

    for _ in range(3):  # the hourly run, three times on one day
        posts_refresh()
        deliveries_send_due()

    [message] = mail.outbox
    assert message.to == ["olga@example.org"]
    assert message.subject == "Is “Winter coats” still valid?"
    keep, close = _links(message.body, "posts/still-valid")
    # From the mail, without logging in: the link asks first, the button acts.
    anonymous = Client()
    assert "Yes, close it" in anonymous.get(close).content.decode()
    assert anonymous.post(close).status_code == 200
    offer.refresh_from_db()
    assert offer.status == PostStatus.WITHDRAWN
    assert anonymous.post(keep).status_code == 400


def test_still_valid_speaks_the_owners_language():
    owner = factories.UserFactory(preferred_language="uk")
    factories.OfferFactory(owner=owner, fresh_until=timezone.localdate())

    posts_refresh()
    deliveries_send_due()

    [message] = mail.outbox
    keep, close = _links(message.body, "posts/still-valid")
    assert keep.startswith("/uk/") and close.startswith("/uk/")


def test_how_did_it_go_is_mailed_to_both_sides_once_with_three_answers():
    factories.MatchFactory(
        offer__owner=factories.UserFactory(email="offer@example.org"),
        need__owner=factories.UserFactory(email="need@example.org", preferred_language="uk"),
        status=MatchStatus.CONNECTED,
        connected_at=timezone.now() - dt.timedelta(days=14, hours=1),
    )

    for _ in range(2):
        matches_follow_up()
        deliveries_send_due()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "need@example.org",
        "offer@example.org",
    ]
    for message in mail.outbox:
        links = _links(message.body, "matches/how-did-it-go")
        assert len(links) == 3
    need_side = next(m for m in mail.outbox if m.to == ["need@example.org"])
    assert all(link.startswith("/uk/") for link in _links(need_side.body, "matches/how-did-it-go"))

    # Fourteen days on, still connected: asked once more, each side one more mail.
    with time_machine.travel(timezone.now() + dt.timedelta(days=14, hours=1)):
        matches_follow_up()
        matches_follow_up()
        deliveries_send_due()
    assert len(mail.outbox) == 4
