"""Posts stay fresh (issue 12, part 4): a lifetime per category, "Is this still valid?" once per
period with signed keep/close links, expiry at the end, renewal from "my posts" and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from needs.models import Need
from needs.services import need_create
from notifications.models import Notification
from offers.models import Offer
from offers.services import offer_create
from posts.freshness import posts_refresh
from posts.models import PostStatus
from posts.selectors import post_visible
from tests.factories import NeedFactory, OfferFactory, UserFactory, category

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/(?:cs|uk|en)/posts/still-valid/([^/\s]+)/")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _today() -> dt.date:
    return timezone.localdate()


def _ending_in(days: int, **fields) -> Offer:
    """An active offer whose period ends in ``days`` days (valid_until later)."""
    return OfferFactory(
        fresh_until=_today() + dt.timedelta(days=days),
        valid_until=_today() + dt.timedelta(days=days + 60),
        **fields,
    )


def _links(notification: Notification) -> tuple[str, str]:
    """The keep and the close token, in the order the message gives them."""
    keep, close = LINK.findall(notification.body_text)
    return keep, close


def _url(token: str) -> str:
    return reverse("post_freshness", args=[token])


def _asked(post) -> list[Notification]:
    return list(Notification.objects.filter(recipient=post.owner, kind="post_still_valid"))


# The lifetime.


@pytest.mark.parametrize(
    ("slug", "days"),
    [("accommodation-short", 14), ("accommodation", 14), ("clothes", 30), ("transport", 30)],
)
def test_a_new_post_lives_for_its_categorys_lifetime(db, slug, days):
    offer = offer_create(
        owner=UserFactory(), category=category(slug), title="t", place_name="Brno", languages=["cs"]
    )

    assert offer.fresh_until == _today() + dt.timedelta(days=days)
    assert offer.ends_on == offer.fresh_until


def test_the_lifetime_is_set_per_category_and_subcategories_inherit_it(db):
    clothes = category("clothes")
    material_aid = clothes.parent
    material_aid.lifetime_days = 7
    material_aid.save()

    need = need_create(
        owner=UserFactory(), category=clothes, title="coat", place_name="Brno", languages=["uk"]
    )

    assert need.fresh_until == _today() + dt.timedelta(days=7)


def test_a_post_valid_from_a_later_day_lives_from_that_day(db):
    start = _today() + dt.timedelta(days=10)
    offer = offer_create(
        owner=UserFactory(),
        category=category("clothes"),
        title="t",
        place_name="Brno",
        languages=["cs"],
        valid_from=start,
    )

    assert offer.fresh_until == start + dt.timedelta(days=30)


# The question, once per period.


def test_the_owner_is_asked_once_three_days_before_the_end(db):
    soon = _ending_in(3, owner__preferred_language="en")
    later = _ending_in(4)

    posts_refresh()
    posts_refresh()
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        posts_refresh()

    assert len(_asked(soon)) == 1
    assert "Is “" in _asked(soon)[0].subject and soon.title in _asked(soon)[0].subject
    # The later one came into the window on the next day, and was asked then, once.
    assert len(_asked(later)) == 1


def test_the_end_is_valid_until_when_that_comes_first(db):
    offer = OfferFactory(
        fresh_until=_today() + dt.timedelta(days=20), valid_until=_today() + dt.timedelta(days=2)
    )

    posts_refresh()

    (question,) = _asked(offer)
    assert offer.title in question.subject


def test_drafts_closed_and_hidden_posts_are_not_asked(db):
    posts = [_ending_in(1, status=status) for status in ("draft", "withdrawn", "fulfilled")]
    posts.append(_ending_in(1, hidden_at=timezone.now()))

    posts_refresh()

    assert not any(_asked(post) for post in posts)


def test_the_question_comes_in_the_owners_language_with_links_in_it(db):
    offer = _ending_in(2, owner=UserFactory(preferred_language="uk"))

    posts_refresh()

    (question,) = _asked(offer)
    assert question.language == "uk"
    assert "/uk/posts/still-valid/" in question.body_text
    assert len(LINK.findall(question.body_html)) == 2  # the button and the close link


def test_posts_without_a_period_get_one_from_today(db):
    offer = OfferFactory(fresh_until=None, category=category("accommodation-long"))

    posts_refresh()

    offer.refresh_from_db()
    assert offer.fresh_until == _today() + dt.timedelta(days=14)


# Expiry.


def test_a_post_past_its_end_expires_and_is_no_longer_shown(db):
    stale = OfferFactory(fresh_until=_today() - dt.timedelta(days=1))
    fresh = OfferFactory(fresh_until=_today())

    posts_refresh()

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == (PostStatus.EXPIRED, PostStatus.ACTIVE)
    assert list(post_visible(Offer, user=None)) == [fresh]


# The links.


def test_keep_link_shows_a_confirmation_and_keeps_the_post_only_on_post(client):
    offer = _ending_in(2)
    posts_refresh()
    keep, _close = _links(_asked(offer)[0])

    page = client.get(_url(keep))

    assert page.status_code == 200
    assert "Yes, keep it" in page.content.decode()
    offer.refresh_from_db()
    assert offer.fresh_until == _today() + dt.timedelta(days=2)

    done = client.post(_url(keep))

    assert done.status_code == 200
    offer.refresh_from_db()
    assert offer.fresh_until == _today() + dt.timedelta(days=30)
    assert offer.status == PostStatus.ACTIVE
    assert "stays up until" in done.content.decode()


def test_keeping_asks_again_before_the_new_end(db, client):
    offer = _ending_in(2)
    posts_refresh()
    keep, _close = _links(_asked(offer)[0])
    client.post(_url(keep))

    with time_machine.travel(timezone.now() + dt.timedelta(days=27)):
        posts_refresh()

    assert len(_asked(offer)) == 2


def test_close_link_closes_the_post(client):
    offer = _ending_in(1)
    posts_refresh()
    _keep, close = _links(_asked(offer)[0])

    assert "Yes, close it" in client.get(_url(close)).content.decode()
    client.post(_url(close))

    offer.refresh_from_db()
    assert offer.status == PostStatus.WITHDRAWN


def test_a_need_is_kept_the_same_way(client):
    need = NeedFactory(
        category=category("accommodation-short"),
        fresh_until=_today() + dt.timedelta(days=1),
        valid_until=None,
    )
    posts_refresh()
    (question,) = Notification.objects.filter(recipient=need.owner, kind="post_still_valid")
    keep, _close = _links(question)

    client.post(_url(keep))

    need.refresh_from_db()
    assert need.fresh_until == _today() + dt.timedelta(days=14)


@pytest.mark.parametrize("which", ["keep-twice", "close-after-keep", "keep-after-close"])
def test_a_used_link_gives_a_clear_page_and_changes_nothing(client, which):
    offer = _ending_in(2)
    posts_refresh()
    keep, close = _links(_asked(offer)[0])
    first, second = {
        "keep-twice": (keep, keep),
        "close-after-keep": (keep, close),
        "keep-after-close": (close, keep),
    }[which]
    client.post(_url(first))
    offer.refresh_from_db()
    before = (offer.status, offer.fresh_until, offer.valid_until)

    page = client.post(_url(second))
    shown = client.get(_url(second))

    assert page.status_code == shown.status_code == 400
    text = page.content.decode()
    assert "already used" in text or "already closed" in text
    assert "Nothing was changed." in text
    offer.refresh_from_db()
    assert (offer.status, offer.fresh_until, offer.valid_until) == before


def test_a_forged_link_gives_a_clear_page_and_changes_nothing(client):
    offer = _ending_in(2)
    posts_refresh()
    keep, close = _links(_asked(offer)[0])
    # The close link's payload under the keep link's signature, and plain garbage.
    payload = close.rsplit(":", 1)[0]
    forged = [f"{payload}:{keep.rsplit(':', 1)[1]}", "not-a-token", keep[:-2] + "xx"]

    for token in forged:
        page = client.post(_url(token))
        assert page.status_code == 400
        assert "This link is not valid." in page.content.decode()

    offer.refresh_from_db()
    assert (offer.status, offer.fresh_until) == (
        PostStatus.ACTIVE,
        _today() + dt.timedelta(days=2),
    )


def test_a_stale_link_gives_a_clear_page_and_changes_nothing(client):
    offer = _ending_in(2)
    posts_refresh()
    keep, _close = _links(_asked(offer)[0])

    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        page = client.post(_url(keep))

    assert page.status_code == 400
    assert "This link has expired." in page.content.decode()
    offer.refresh_from_db()
    assert offer.fresh_until == _today() + dt.timedelta(days=2)


def test_the_keep_link_brings_back_a_post_that_expired_meanwhile(client):
    offer = _ending_in(1)
    posts_refresh()
    keep, _close = _links(_asked(offer)[0])
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        posts_refresh()
        offer.refresh_from_db()
        assert offer.status == PostStatus.EXPIRED

        client.post(_url(keep))

        offer.refresh_from_db()
        assert offer.status == PostStatus.ACTIVE
        assert offer.fresh_until == timezone.localdate() + dt.timedelta(days=30)


# Renewal from "my posts" and the API.


def test_an_expired_post_is_renewed_from_my_posts(client):
    owner = UserFactory()
    offer = OfferFactory(
        owner=owner,
        status=PostStatus.EXPIRED,
        valid_from=_today() - dt.timedelta(days=40),
        fresh_until=_today() - dt.timedelta(days=5),
        valid_until=_today() - dt.timedelta(days=3),
    )
    client.force_login(owner)

    page = client.get(reverse("my_posts")).content.decode()
    assert reverse("offer_renew", kwargs={"pk": offer.pk}) in page
    assert "Renew" in page

    response = client.post(reverse("offer_renew", kwargs={"pk": offer.pk}))

    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == PostStatus.ACTIVE
    # Renewing says the post holds: a past "valid until" moves to the new end.
    assert offer.fresh_until == offer.valid_until == _today() + dt.timedelta(days=30)
    assert offer in post_visible(Offer, user=None)


def test_my_posts_offers_to_keep_a_post_only_near_its_end(client):
    owner = UserFactory()
    near = _ending_in(2, owner=owner)
    far = _ending_in(20, owner=owner)
    client.force_login(owner)

    page = client.get(reverse("my_posts")).content.decode()

    assert reverse("offer_renew", kwargs={"pk": near.pk}) in page
    assert reverse("offer_renew", kwargs={"pk": far.pk}) not in page


def test_nobody_else_can_renew_a_post(client):
    expired = NeedFactory(status=PostStatus.EXPIRED, fresh_until=_today() - dt.timedelta(days=1))
    active = _ending_in(2)
    client.force_login(UserFactory())

    hidden = client.post(reverse("need_renew", kwargs={"pk": expired.pk}))
    visible = client.post(reverse("offer_renew", kwargs={"pk": active.pk}))

    # An expired post is nobody else's business (404); a public one is forbidden (403).
    assert (hidden.status_code, visible.status_code) == (404, 403)
    expired.refresh_from_db()
    active.refresh_from_db()
    assert expired.status == PostStatus.EXPIRED
    assert active.fresh_until == _today() + dt.timedelta(days=2)


def test_a_closed_post_cannot_be_renewed(client):
    owner = UserFactory()
    offer = OfferFactory(owner=owner, status=PostStatus.WITHDRAWN)
    client.force_login(owner)

    response = client.post(reverse("offer_renew", kwargs={"pk": offer.pk}), follow=True)

    assert "Only an active, paused or expired post can be renewed." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == PostStatus.WITHDRAWN


def test_the_api_renews_an_expired_post_for_its_owner_only(client):
    owner = UserFactory()
    need = NeedFactory(
        owner=owner, status=PostStatus.EXPIRED, fresh_until=_today() - dt.timedelta(days=1)
    )
    url = f"/api/v1/needs/{need.pk}/renew/"

    assert client.post(url).status_code in (401, 403)
    client.force_login(UserFactory())
    assert client.post(url).status_code == 404
    need.refresh_from_db()
    assert need.status == PostStatus.EXPIRED

    client.force_login(owner)
    response = client.post(url)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "active"
    assert body["ends_on"] == (_today() + dt.timedelta(days=30)).isoformat()
    assert Need.objects.get(pk=need.pk).status == PostStatus.ACTIVE


def test_the_api_refuses_to_renew_a_closed_post_with_a_field_error(client):
    owner = UserFactory()
    offer = OfferFactory(owner=owner, status=PostStatus.FULFILLED)
    client.force_login(owner)

    response = client.post(f"/api/v1/offers/{offer.pk}/renew/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "status" in response.json()


def test_reactivating_an_expired_post_gives_it_a_new_period(db):
    from posts.services import post_set_status

    offer = OfferFactory(status=PostStatus.EXPIRED, fresh_until=_today() - dt.timedelta(days=3))

    post_set_status(offer, actor=offer.owner, status=PostStatus.ACTIVE)
    posts_refresh()

    offer.refresh_from_db()
    assert offer.status == PostStatus.ACTIVE
    assert offer.fresh_until == _today() + dt.timedelta(days=30)


def test_the_owner_sees_when_the_post_ends_and_others_do_not(client):
    owner = UserFactory()
    offer = _ending_in(5, owner=owner)
    url = reverse("offer_detail", kwargs={"pk": offer.pk})

    assert "Shown until" not in client.get(url).content.decode()
    client.force_login(owner)
    assert "Shown until" in client.get(url).content.decode()
