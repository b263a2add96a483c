"""Writes of moderation: reporting a post, and what coordinators do about it.

Every coordinator action checks the actor (``PermissionDenied`` otherwise) and records who and
when. Offers and needs share every function: they are twins on ``posts.models.Post``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scopes import (
    coordinator_scope,
    coordinators_covering,
    platform_coordinators,
    user_can_coordinate,
)
from matching.engine import withdraw_stale
from matching.models import Match
from matching.selectors import match_in_scope, user_post_sides
from moderation.models import (
    MAX_COMMENT_LENGTH,
    Concern,
    ModerationAction,
    PostModeration,
    Report,
    ReportReason,
    ReportStatus,
    UserBlock,
)
from moderation.ratelimit import report_rate_reserve
from needs.models import Need
from notifications.services import notify
from offers.models import Offer
from posts.models import Post, PostStatus


def _require_scope(actor: User, post: Post) -> None:
    if not coordinator_scope(user=actor).covers(post):
        raise PermissionDenied(_("You do not coordinate this post."))


def _require_user_in_scope(actor: User, user: User) -> None:
    """A person may be blocked by the platform's coordinators, or by one who looks after at
    least one of their posts."""
    scope = coordinator_scope(user=actor)
    posts = scope.post_q()
    if posts is None:
        return
    if not any(model.objects.filter(posts, owner=user).exists() for model in (Offer, Need)):
        raise PermissionDenied(_("You do not coordinate this person's posts."))


def _post_field(post: Post) -> str:
    """The Report foreign key that points at this kind of post."""
    if isinstance(post, Offer):
        return "offer"
    if isinstance(post, Need):
        return "need"
    raise TypeError(f"Not a post: {post!r}")


def _open_reports(post: Post):
    return Report.objects.filter(**{_post_field(post): post}, status=ReportStatus.OPEN)


@transaction.atomic
def report_create(*, reporter: User, post: Post, reason: str, comment: str = "") -> Report:
    """Anyone signed in may report a post they can see, once while the report is open."""
    if not reporter.is_authenticated:
        raise PermissionDenied(_("Log in to report a post."))
    errors: dict[str, str] = {}
    if reason not in ReportReason.values:
        errors["reason"] = _("Choose why you are reporting this post.")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        errors["comment"] = _("Keep the comment under %(max)d characters.") % {
            "max": MAX_COMMENT_LENGTH
        }
    if reason == ReportReason.OTHER and not comment:
        errors["comment"] = _("Tell us briefly what is wrong.")
    if post.owner_id == reporter.pk:
        errors["__all__"] = _("You cannot report your own post.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                reason=reason,
                comment=comment,
                **{_post_field(post): post},
            )
            # Counted after the insert, in its transaction: a duplicate never counts and a
            # report past the limit (RateLimitExceeded) is rolled back with its count.
            report_rate_reserve(user=reporter)
            return report
    except IntegrityError:
        # The partial unique constraint: one open report per person and post.
        raise ValidationError(
            {"__all__": _("You have already reported this post; a coordinator will look at it.")}
        ) from None


@transaction.atomic
def report_resolve(*, actor: User, post: Post, status: str = ReportStatus.DISMISSED) -> int:
    """Close every open report of a post as resolved (acted on) or dismissed (nothing wrong);
    returns how many were closed."""
    _require_scope(actor, post)
    if status not in (ReportStatus.RESOLVED, ReportStatus.DISMISSED):
        raise ValidationError({"status": _("Unknown status.")})
    return _open_reports(post).update(status=status, handled_by=actor, handled_at=timezone.now())


def _history(post: Post, *, actor: User, action: str, reason: str, now) -> PostModeration:
    return PostModeration.objects.create(
        **{_post_field(post): post}, actor=actor, action=action, reason=reason[:500], created_at=now
    )


def _hide(post: Post, *, actor: User, reason: str, now) -> None:
    _history(post, actor=actor, action=ModerationAction.HIDE, reason=reason, now=now)
    post.hidden_at = now
    post.hidden_by = actor
    post.hidden_reason = reason[:500]
    # Hiding is a review: the post leaves the queue of posts by unverified people too.
    if post.reviewed_at is None:
        post.reviewed_at = now
        post.reviewed_by = actor
    post.save(
        update_fields=[
            "hidden_at",
            "hidden_by",
            "hidden_reason",
            "reviewed_at",
            "reviewed_by",
            "updated_at",
        ]
    )
    # Its open proposals and unanswered matches stop now, not at the next matcher pass.
    kind = "offer_id" if isinstance(post, Offer) else "need_id"
    withdraw_stale(today=timezone.localdate(), **{kind: post.pk})


@transaction.atomic
def post_hide(post: Post, *, actor: User, reason: str = "") -> Post:
    """Hide a post from every public list, page, API answer and the matcher; its open reports
    are resolved, the history records who and why, and the owner is told why (in their
    language, by the outbox)."""
    _require_scope(actor, post)
    reason = (reason or "").strip()
    if not reason:
        # The owner is told why; "hidden for no reason" helps nobody.
        raise ValidationError({"reason": _("Say why the post is hidden.")})
    if post.hidden_at is not None:
        return post
    now = timezone.now()
    _hide(post, actor=actor, reason=reason, now=now)
    _open_reports(post).update(status=ReportStatus.RESOLVED, handled_by=actor, handled_at=now)
    kind = _post_field(post)
    notify(
        recipient=post.owner,
        kind="post_hidden",
        # One message per hiding: a post hidden, shown and hidden again is told twice.
        dedupe_key=f"{kind}:{post.pk}:hidden:{now.isoformat()}",
        context={"post": post, "kind": kind, "reason": reason},
        action_path=reverse("my_posts"),
    )
    return post


@transaction.atomic
def post_unhide(post: Post, *, actor: User, reason: str = "") -> Post:
    _require_scope(actor, post)
    if post.hidden_at is None:
        return post
    _history(
        post,
        actor=actor,
        action=ModerationAction.SHOW,
        reason=(reason or "").strip(),
        now=timezone.now(),
    )
    post.hidden_at = None
    post.hidden_by = None
    post.hidden_reason = ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason", "updated_at"])
    return post


BULK_MAX = 200


@transaction.atomic
def posts_bulk_moderate(
    *, actor: User, model: type[Post], ids: list[int], action: str, reason: str
) -> int:
    """Hide or show several posts of one kind: all of them or, if one is refused (out of
    scope, missing), none. Returns how many changed."""
    ids = sorted(set(ids))
    errors: dict[str, str] = {}
    if not ids:
        errors["posts"] = _("Choose at least one post.")
    elif len(ids) > BULK_MAX:
        errors["posts"] = _("At most %(max)d posts at once.") % {"max": BULK_MAX}
    if action not in ModerationAction.values:
        errors["action"] = _("Choose to hide or to show.")
    if action == ModerationAction.HIDE and not (reason or "").strip():
        errors["reason"] = _("Say why the post is hidden.")
    if errors:
        raise ValidationError(errors)
    posts = list(
        model.objects.select_for_update(of=("self",))
        .select_related("owner", "category")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    scope = coordinator_scope(user=actor)
    # Out of scope is as unknown as missing: the answer names no post of others.
    if len(posts) != len(ids) or not all(scope.covers(post) for post in posts):
        raise ValidationError({"posts": _("Some of the chosen posts do not exist.")})
    changed = 0
    for post in posts:
        if action == ModerationAction.HIDE:
            changed += post.hidden_at is None
            post_hide(post, actor=actor, reason=reason)
        else:
            changed += post.hidden_at is not None
            post_unhide(post, actor=actor, reason=reason)
    return changed


@transaction.atomic
def post_mark_reviewed(post: Post, *, actor: User) -> Post:
    """A coordinator looked at a post by an unverified person and let it stand."""
    _require_scope(actor, post)
    if post.reviewed_at is None:
        post.reviewed_at = timezone.now()
        post.reviewed_by = actor
        post.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    return post


@transaction.atomic
def user_block(*, actor: User, user: User, reason: str) -> UserBlock:
    """Block a user: they can no longer log in (``is_active=False``, which also ends their
    sessions and API tokens), and their active and paused posts are hidden."""
    _require_user_in_scope(actor, user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this user is blocked.")})
    # Coordinators answer to a superuser (the admin), not to each other; the role alone is no
    # shield.
    if user.pk == actor.pk or user_can_coordinate(user=user):
        raise ValidationError({"__all__": _("Coordinators cannot be blocked here.")})
    now = timezone.now()
    block, _created = UserBlock.objects.update_or_create(
        user=user, defaults={"blocked_by": actor, "blocked_at": now, "reason": reason[:500]}
    )
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    hide_reason = _("Owner blocked: %(reason)s") % {"reason": reason}
    for model in (Offer, Need):
        for post in model.objects.filter(
            owner=user,
            hidden_at__isnull=True,
            status__in=[PostStatus.ACTIVE, PostStatus.PAUSED, PostStatus.DRAFT],
        ):
            _hide(post, actor=actor, reason=hide_reason, now=now)
        Report.objects.filter(
            **{f"{model._meta.model_name}__owner": user}, status=ReportStatus.OPEN
        ).update(status=ReportStatus.RESOLVED, handled_by=actor, handled_at=now)
    return block


MAX_OPEN_CONCERNS_PER_MATCH = 3


@transaction.atomic
def concern_raise(*, match: Match, user: User, text: str) -> Concern:
    """A side of an approved match tells the coordinators something is wrong. Confidential: the
    other side is told nothing. The coordinators in scope and the platform coordinators get a
    notification (without the text, which stays on the site), and an answer is due in
    ``POMOC_CONCERN_ANSWER_HOURS``."""
    if not user_post_sides(user=user, match=match) or match.decided_at is None:
        raise PermissionDenied(_("You are not a party to this match."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Say what worries you.")})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {"text": _("At most %(max)d characters, please.") % {"max": MAX_COMMENT_LENGTH}}
        )
    open_ones = Concern.objects.filter(match=match, raised_by=user, answered_at__isnull=True)
    if open_ones.count() >= MAX_OPEN_CONCERNS_PER_MATCH:
        raise ValidationError(
            {"text": _("Your earlier concerns about this match are still waiting for an answer.")}
        )
    now = timezone.now()
    concern = Concern.objects.create(
        match=match,
        raised_by=user,
        text=text,
        created_at=now,
        due_at=now + dt.timedelta(hours=settings.POMOC_CONCERN_ANSWER_HOURS),
    )
    in_scope, platform = coordinators_covering(match.need)
    for coordinator in [*in_scope, *platform]:
        if coordinator.pk == user.pk:
            continue
        notify(
            recipient=coordinator,
            kind="concern_raised",
            dedupe_key=f"concern:{concern.pk}:raised",
            context={"concern": concern, "match": match},
            action_path=reverse("moderation_queue") + "#concerns",
        )
    return concern


@transaction.atomic
def concern_answer(*, concern: Concern, actor: User, answer: str) -> Concern:
    """A coordinator in scope answers; the person who raised the concern is told."""
    concern = Concern.objects.select_for_update().select_related("match").get(pk=concern.pk)
    if not match_in_scope(user=actor, match=concern.match):
        raise PermissionDenied(_("You do not coordinate this match."))
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": _("Write an answer.")})
    if len(answer) > MAX_COMMENT_LENGTH:
        raise ValidationError(
            {"answer": _("At most %(max)d characters, please.") % {"max": MAX_COMMENT_LENGTH}}
        )
    if concern.answered_at is not None:
        raise ValidationError({"answer": _("This concern has already been answered.")})
    concern.answer, concern.answered_by, concern.answered_at = answer, actor, timezone.now()
    concern.save(update_fields=["answer", "answered_by", "answered_at"])
    notify(
        recipient=concern.raised_by,
        kind="concern_answered",
        dedupe_key=f"concern:{concern.pk}:answered",
        context={"concern": concern, "match": concern.match},
        action_path=reverse("match_detail", args=[concern.match_id]),
    )
    return concern


def concerns_escalate(*, now: dt.datetime | None = None) -> int:
    """Alert the platform coordinators once about each concern whose answer is overdue."""
    now = now or timezone.now()
    escalated = 0
    overdue = list(
        Concern.objects.filter(
            answered_at__isnull=True, escalated_at__isnull=True, due_at__lt=now
        ).select_related("match", "match__offer", "match__need")
    )
    # The platform coordinators are the same for every concern: looked up once per run.
    platform = platform_coordinators() if overdue else []
    for concern in overdue:
        with transaction.atomic():
            # Only one process escalates a concern, however many run this at once.
            if not Concern.objects.filter(pk=concern.pk, escalated_at__isnull=True).update(
                escalated_at=now
            ):
                continue
            for coordinator in platform:
                notify(
                    recipient=coordinator,
                    kind="concern_escalated",
                    dedupe_key=f"concern:{concern.pk}:escalated",
                    context={"concern": concern, "match": concern.match},
                    action_path=reverse("moderation_queue") + "#concerns",
                )
            escalated += 1
    return escalated
