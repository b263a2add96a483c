"""Attack 10: probing edit and status URLs by id used to tell a hidden or sensitive post (403)
from one that does not exist (404). Now both are "not found"; only a post one can see but not
edit answers 403."""

from __future__ import annotations

import pytest
from django.test import Client

from moderation.services import post_hide
from tests import factories

pytestmark = pytest.mark.django_db

MISSING = 987654321


@pytest.fixture
def prober(volunteer) -> Client:
    client = Client()
    client.force_login(volunteer)
    return client


def _probe(client: Client, kind: str, pk: int) -> list[int]:
    return [
        client.get(f"/en/{kind}s/{pk}/edit/").status_code,
        client.post(f"/en/{kind}s/{pk}/edit/", {"title": "x"}).status_code,
        client.post(f"/en/{kind}s/{pk}/pause/").status_code,
        client.post(f"/en/{kind}s/{pk}/withdraw/").status_code,
    ]


def test_a_sensitive_need_answers_like_a_missing_one(prober):
    sensitive = factories.NeedFactory(category=factories.category("accommodation-long"))
    assert _probe(prober, "need", sensitive.pk) == _probe(prober, "need", MISSING) == [404] * 4
    sensitive.refresh_from_db()
    assert sensitive.status == "active"


def test_a_hidden_post_answers_like_a_missing_one(prober, coordinator):
    hidden = factories.OfferFactory()
    post_hide(hidden, actor=coordinator, reason="Spam")
    assert _probe(prober, "offer", hidden.pk) == _probe(prober, "offer", MISSING) == [404] * 4


def test_a_visible_post_of_someone_else_is_forbidden_not_missing(prober):
    offer = factories.OfferFactory(title="A bike")
    assert _probe(prober, "offer", offer.pk) == [403] * 4
    offer.refresh_from_db()
    assert (offer.title, offer.status) == ("A bike", "active")
