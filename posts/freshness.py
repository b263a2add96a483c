"""Posts stay fresh (issue 12, part 4): every post lives for a period, and its owner says whether
it still holds.

Offer boards die of stale posts: a room given away three weeks ago still answers searches and
the matcher keeps proposing it. So:

1. A post gets a period when it is posted (``posts.services.post_create``): its category's
   lifetime (``Category.post_lifetime_days``: accommodation 14 days, others 30) from the day it
   becomes valid. Its end (``Post.ends_on``) is the period's last day, or ``valid_until`` if
   that comes first.
2. ``settings.POMOC_POST_REMINDER_DAYS`` before the end its owner is asked "Is this still
   valid?" with two signed one-click links, keep and close (``freshness_token``), that work
   without logging in. Once per period: ``fresh_reminded_for`` holds the end asked about.
3. A post whose end has passed expires (``posts.services.posts_expire``; run here and by the
   matcher's full pass). Its owner renews it from "my posts", the API or the link.

A link names the post, the action and the end it was sent about. Keeping or closing changes the
end or the status, so the same link (or its twin) cannot act twice: it is answered with a clear
page and changes nothing. Writes are services (``post_renew``, ``freshness_answer``), run by
``posts.tasks.refresh`` on a django-q2 schedule (``posts.schedules``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce, Least
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.services import absolute_url, notify
from posts.hooks import matching_queue
from posts.models import Category, Post, PostStatus
from posts.services import post_can_edit, post_period_end, post_set_status, posts_expire

# The concrete posts, named rather than imported: posts sits below offers and needs.
POST_MODELS = {"offer": "offers.Offer", "need": "needs.Need"}
SALT = "posts.freshness"
KEEP, CLOSE = "keep", "close"
ACTIONS = (KEEP, CLOSE)
# Statuses a post can be kept or renewed from; a fulfilled or withdrawn one is over.
RENEWABLE = (PostStatus.ACTIVE, PostStatus.PAUSED, PostStatus.EXPIRED)
# Statuses whose owners are asked: a draft is not public, a closed post is over.
REMINDED = (PostStatus.ACTIVE, PostStatus.PAUSED)


class FreshnessLinkError(Exception):
    """A link that cannot act: forged, too old, already used. ``message`` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def post_model(kind: str) -> type[Post]:
    return apps.get_model(POST_MODELS[kind])


def freshness_token(post: Post, *, action: str, ends_on: dt.date) -> str:
    return signing.dumps(
        {"k": post._meta.model_name, "p": post.pk, "a": action, "e": ends_on.isoformat()},
        salt=SALT,
    )


def freshness_path(post: Post, *, action: str, ends_on: dt.date) -> str:
    """The link's path in the active language (call it inside the recipient's language)."""
    return reverse("post_freshness", args=[freshness_token(post, action=action, ends_on=ends_on)])


@dataclass(frozen=True)
class FreshnessLink:
    post: Post
    action: str
    ends_on: dt.date


def freshness_link_read(token: str) -> FreshnessLink:
    """What a link asks for, if it still may: raises ``FreshnessLinkError`` for a forged, too
    old or already used link, or one whose post is closed or was changed since."""
    max_age = dt.timedelta(days=settings.POMOC_POST_LINK_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise FreshnessLinkError(
            _("This link has expired. Log in and open My posts to renew or close the post.")
        ) from None
    except signing.BadSignature:
        raise FreshnessLinkError(_("This link is not valid.")) from None
    try:
        model = post_model(data["k"])
        action = data["a"]
        ends_on = dt.date.fromisoformat(data["e"])
        post = model.objects.select_related("category__parent", "owner").get(pk=data["p"])
    except (KeyError, TypeError, ValueError, LookupError, ObjectDoesNotExist):
        raise FreshnessLinkError(_("This link is not valid.")) from None
    if action not in ACTIONS:
        raise FreshnessLinkError(_("This link is not valid."))
    if post.status not in RENEWABLE or post.anonymised_at is not None:
        raise FreshnessLinkError(_("This post is already closed."))
    if post.ends_on != ends_on:
        raise FreshnessLinkError(
            _(
                "This link was already used, or the post was changed since it was sent. "
                "Log in and open My posts to see the post as it is now."
            )
        )
    return FreshnessLink(post=post, action=action, ends_on=ends_on)


def _lock(post: Post) -> Post:
    return (
        type(post)
        .objects.select_for_update(of=("self",))
        .select_related("category__parent")
        .get(pk=post.pk)
    )


@transaction.atomic
def post_renew(post: Post, *, actor: User | None, today: dt.date | None = None) -> Post:
    """Start a new period from today: an active or paused post is kept, an expired one is active
    again. A ``valid_until`` before the new end moves to it: renewing says the post holds.
    ``actor=None`` is the owner through a signed link."""
    today = today or timezone.localdate()
    if actor is not None and not post_can_edit(user=actor, post=post):
        raise PermissionDenied(_("You cannot change this post."))
    post = _lock(post)
    if post.status not in RENEWABLE:
        raise ValidationError(
            {"status": _("Only an active, paused or expired post can be renewed.")}
        )
    if post.anonymised_at is not None:
        raise ValidationError(
            {"status": _("This post was anonymised after it closed. Please post a new one.")}
        )
    post.fresh_until = post_period_end(post.category, start=max(today, post.valid_from))
    if post.valid_until is not None and post.valid_until < post.fresh_until:
        post.valid_until = post.fresh_until
    reopened = post.status == PostStatus.EXPIRED
    if reopened:
        post.status = PostStatus.ACTIVE
    post.save(update_fields=["fresh_until", "valid_until", "status", "updated_at"])
    if reopened:
        matching_queue(kind=post._meta.model_name, pk=post.pk)
    return post


@transaction.atomic
def freshness_answer(token: str, *, today: dt.date | None = None) -> FreshnessLink:
    """Act on a link: keep the post for another period, or close it (withdrawn). The link is
    read again under the row lock, so two clicks at once act once."""
    link = freshness_link_read(token)
    _lock(link.post)
    link = freshness_link_read(token)
    if link.action == KEEP:
        post = post_renew(link.post, actor=None, today=today)
    else:
        post = post_set_status(link.post, actor=None, status=PostStatus.WITHDRAWN)
        matching_queue(kind=post._meta.model_name, pk=post.pk)
    return FreshnessLink(post=post, action=link.action, ends_on=link.ends_on)


def _ends() -> Least:
    return Least("fresh_until", Coalesce("valid_until", "fresh_until"))


def posts_give_period(model: type[Post], *, today: dt.date) -> int:
    """Posts without a period (older than this feature, or loaded in bulk) get one from today."""
    by_days: dict[int, list[int]] = {}
    for category in Category.objects.select_related("parent"):
        by_days.setdefault(category.post_lifetime_days, []).append(category.pk)
    return sum(
        model.objects.filter(
            fresh_until__isnull=True,
            status__in=[PostStatus.DRAFT, *REMINDED],
            category_id__in=ids,
        ).update(fresh_until=today + dt.timedelta(days=days))
        for days, ids in by_days.items()
    )


def _remind(model: type[Post], pk: int, *, today: dt.date) -> bool:
    with transaction.atomic():
        post = (
            model.objects.select_for_update(of=("self",))
            .select_related("owner", "category__parent")
            .get(pk=pk)
        )
        ends_on = post.ends_on
        if (
            post.status not in REMINDED
            or post.hidden_at is not None
            or ends_on is None
            or post.fresh_reminded_for == ends_on
        ):
            return False
        post.fresh_reminded_for = ends_on
        post.save(update_fields=["fresh_reminded_for"])
        recipient = post.owner
        kind = post._meta.model_name
        with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
            keep_path = freshness_path(post, action=KEEP, ends_on=ends_on)
            close_path = freshness_path(post, action=CLOSE, ends_on=ends_on)
            post_path = reverse(f"{kind}_detail", args=[post.pk])
        notify(
            recipient=recipient,
            kind="post_still_valid",
            # The end is in the key: one question per period, a new one after keeping.
            dedupe_key=f"post:{kind}:{post.pk}:still-valid:{ends_on.isoformat()}",
            context={
                "post": post,
                "ends_on": ends_on,
                "lifetime_days": post.category.post_lifetime_days,
                "keep_url": absolute_url(keep_path),
                "close_url": absolute_url(close_path),
                "post_url": absolute_url(post_path),
            },
            action_path=keep_path,
        )
        return True


def posts_remind(model: type[Post], *, today: dt.date) -> int:
    """Ask the owners of posts that end within the reminder window, once per end."""
    horizon = today + dt.timedelta(days=settings.POMOC_POST_REMINDER_DAYS)
    due = (
        # A post a coordinator hid stays hidden whatever its owner says: nobody is asked.
        model.objects.filter(status__in=REMINDED, fresh_until__isnull=False, hidden_at__isnull=True)
        .annotate(ends=_ends())
        .filter(ends__gte=today, ends__lte=horizon)
        .filter(Q(fresh_reminded_for__isnull=True) | ~Q(fresh_reminded_for=F("ends")))
        .values_list("pk", flat=True)
    )
    return sum(_remind(model, pk, today=today) for pk in list(due))


def posts_refresh(*, today: dt.date | None = None) -> dict[str, int]:
    """The scheduled run: periods for posts without one, expiry of posts past their end, then
    the questions. Safe to run any number of times a day."""
    today = today or timezone.localdate()
    counts = {"periods_given": 0, "expired": 0, "reminded": 0}
    for kind in POST_MODELS:
        model = post_model(kind)
        counts["periods_given"] += posts_give_period(model, today=today)
        counts["expired"] += posts_expire(model, today=today)
        counts["reminded"] += posts_remind(model, today=today)
    return counts
