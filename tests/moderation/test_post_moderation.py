"""Post moderation like the match queue: every post in the scope, paged, bulk hide and show
with a reason, a history of who hid or showed a post and why, and the owner told why."""

from __future__ import annotations

import pytest

from accounts.models import CoordinatorScope
from moderation.models import ModerationAction, PostModeration
from moderation.services import post_hide, post_unhide
from notifications.models import Notification
from offers.models import Offer
from tests import factories
from tests.moderation.conftest import TWINS

pytestmark = pytest.mark.django_db

POSTS = "/en/coordination/moderation/posts/"
PRAHA_REGION = "Hlavní město Praha"
JMK = "Jihomoravský kraj"


def _scoped(region: str):
    user = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, region=region)
    return user


@pytest.mark.parametrize(("kind", "factory"), TWINS)
def test_hiding_is_recorded_and_the_owner_is_told_why_in_their_language(
    client, coordinator, kind, factory
):
    owner = factories.UserFactory(preferred_language="uk")
    post = factory(owner=owner, title="Cheap loans")
    client.force_login(coordinator)

    client.post(f"/en/coordination/moderation/{kind}/{post.pk}/hide/", {"reason": "Advert"})
    client.post(f"/en/coordination/moderation/{kind}/{post.pk}/unhide/", {"reason": "Appealed"})
    client.post(f"/en/coordination/moderation/{kind}/{post.pk}/hide/", {"reason": "Advert again"})

    history = PostModeration.objects.filter(**{kind: post}).order_by("pk")
    assert [(row.action, row.reason, row.actor) for row in history] == [
        (ModerationAction.HIDE, "Advert", coordinator),
        (ModerationAction.SHOW, "Appealed", coordinator),
        (ModerationAction.HIDE, "Advert again", coordinator),
    ]
    # Each hiding told the owner, in the language they chose, with the reason.
    told = Notification.objects.filter(recipient=owner, kind="post_hidden").order_by("pk")
    assert [notification.language for notification in told] == ["uk", "uk"]
    assert "Advert again" in told[1].body_text and "Cheap loans" in told[1].body_text

    # The post's moderation page shows the history with who and why.
    page = client.get(f"/en/coordination/moderation/{kind}/{post.pk}/").content.decode()
    assert "Appealed" in page and "Advert again" in page and coordinator.email in page


def test_hiding_without_a_reason_is_refused(client, coordinator):
    post = factories.OfferFactory()
    client.force_login(coordinator)
    response = client.post(f"/en/coordination/moderation/offer/{post.pk}/hide/", {"reason": " "})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.hidden_at is None
    assert not PostModeration.objects.exists()
    messages = [str(message) for message in response.wsgi_request._messages]
    assert "Say why the post is hidden." in messages


def test_the_list_is_scoped_and_paged(client):
    praha = [factories.OfferFactory(region=PRAHA_REGION, title=f"Praha {n}") for n in range(27)]
    factories.OfferFactory(region=JMK, title="Brno only")
    client.force_login(_scoped(PRAHA_REGION))

    first = client.get(POSTS, {"kind": "offer"})
    second = client.get(POSTS, {"kind": "offer", "page": 2}).content.decode()

    assert first.status_code == 200
    assert first.context["page"].paginator.count == len(praha)
    assert len(first.context["page"].object_list) == 25
    assert "Brno only" not in first.content.decode() + second
    assert praha[0].title in second  # the oldest, on the last page


def test_the_list_filters_hidden_posts(client, coordinator):
    hidden = factories.NeedFactory(title="Spam need")
    factories.NeedFactory(title="Honest need")
    post_hide(hidden, actor=coordinator, reason="Spam")
    client.force_login(coordinator)
    page = client.get(POSTS, {"kind": "need", "state": "hidden"}).content.decode()
    assert "Spam need" in page and "Honest need" not in page


def test_the_list_is_for_coordinators_only(client, volunteer):
    client.force_login(volunteer)
    assert client.get(POSTS).status_code == 403


def test_bulk_hide_and_show_in_the_web(client):
    coordinator = _scoped(PRAHA_REGION)
    posts = factories.OfferFactory.create_batch(3, region=PRAHA_REGION)
    client.force_login(coordinator)

    response = client.post(
        f"{POSTS}bulk/",
        {"kind": "offer", "post": [p.pk for p in posts], "action": "hide", "reason": "Duplicates"},
    )
    assert response.status_code == 302
    assert Offer.objects.filter(hidden_at__isnull=False).count() == 3
    assert PostModeration.objects.filter(action="hide", reason="Duplicates").count() == 3

    client.post(
        f"{POSTS}bulk/",
        {"kind": "offer", "post": [posts[0].pk], "action": "show", "reason": "Not a duplicate"},
    )
    posts[0].refresh_from_db()
    assert posts[0].hidden_at is None


def test_bulk_with_a_post_out_of_scope_changes_nothing(client):
    coordinator = _scoped(PRAHA_REGION)
    mine = factories.OfferFactory(region=PRAHA_REGION)
    theirs = factories.OfferFactory(region=JMK)
    client.force_login(coordinator)
    client.post(
        f"{POSTS}bulk/",
        {"kind": "offer", "post": [mine.pk, theirs.pk], "action": "hide", "reason": "Spam"},
    )
    assert not Offer.objects.filter(hidden_at__isnull=False).exists()


def test_bulk_hide_needs_a_reason(client, coordinator):
    post = factories.OfferFactory()
    client.force_login(coordinator)
    client.post(f"{POSTS}bulk/", {"kind": "offer", "post": [post.pk], "action": "hide"})
    post.refresh_from_db()
    assert post.hidden_at is None


def test_showing_a_visible_post_writes_no_history(coordinator):
    post = factories.OfferFactory()
    post_unhide(post, actor=coordinator)
    assert not PostModeration.objects.exists()


def test_the_list_page_query_count_does_not_grow_with_posts(
    client, coordinator, django_assert_max_num_queries
):
    for _ in range(8):
        post_hide(factories.NeedFactory(), actor=coordinator, reason="Spam")
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(POSTS, {"kind": "need"})
    assert response.context["page"].paginator.count == 8
