"""How did it go? (issue 12, part 6): both sides of a connection are asked, with one click.

1. ``settings.POMOC_MATCH_FOLLOW_UP_DAYS`` (14) after a match was connected, each side's owner
   gets "How did it go?" with three signed links: it worked, it did not work out, still going.
   The links work without logging in, for ``POMOC_MATCH_FOLLOW_UP_LINK_DAYS`` (30).
2. "It worked" closes the match as completed (with everything ``match_close`` does: units
   used, posts fulfilled), "it did not work out" as failed. The answer is kept per side
   (``MatchFollowUp``), also when the other side closed the match first, so the dashboard sees
   both sides' view.
3. A match still connected ``POMOC_MATCH_FOLLOW_UP_AGAIN_DAYS`` (14) after the first question
   (someone said "still going", or nobody answered) is asked about once more; never a third
   time.

One ``MatchFollowUp`` row per side and round (a unique constraint) makes the scheduled run
(``matching.tasks.follow_up_matches``) safe to repeat; a link names its row and answer, and a
row answered once refuses every later click.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from matching.lifecycle import _person, match_close_locked
from matching.models import FollowUpAnswer, Match, MatchFollowUp, MatchStatus, Side
from notifications.services import absolute_url, notify

SALT = "matching.follow_up"
LAST_ROUND = 2


class FollowUpLinkError(Exception):
    """A link that cannot act: forged, too old, already answered. ``message`` says which."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def follow_up_token(follow_up: MatchFollowUp, *, answer: str) -> str:
    return signing.dumps({"f": follow_up.pk, "a": answer}, salt=SALT)


@dataclass(frozen=True)
class FollowUpLink:
    follow_up: MatchFollowUp
    answer: str

    @property
    def answer_label(self) -> str:
        return str(FollowUpAnswer(self.answer).label)


def follow_up_link_read(token: str, *, lock: bool = False) -> FollowUpLink:
    """What a link answers, if it still may; raises ``FollowUpLinkError`` for a forged or too
    old link, or a question already answered."""
    max_age = dt.timedelta(days=settings.POMOC_MATCH_FOLLOW_UP_LINK_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise FollowUpLinkError(
            _("This link has expired. Log in and open the match to say how it went.")
        ) from None
    except signing.BadSignature:
        raise FollowUpLinkError(_("This link is not valid.")) from None
    rows = MatchFollowUp.objects.select_related("match__offer", "match__need", "recipient")
    if lock:
        rows = rows.select_for_update(of=("self",))
    try:
        answer = data["a"]
        follow_up = rows.filter(pk=int(data["f"])).first()
    except (KeyError, TypeError, ValueError):
        raise FollowUpLinkError(_("This link is not valid.")) from None
    if follow_up is None or answer not in FollowUpAnswer.values:
        raise FollowUpLinkError(_("This link is not valid."))
    if follow_up.answered_at is not None:
        raise FollowUpLinkError(
            _("You have already answered this question (%(answer)s). Thank you!")
            % {"answer": FollowUpAnswer(follow_up.answer).label}
        )
    return FollowUpLink(follow_up=follow_up, answer=answer)


@transaction.atomic
def follow_up_answer(token: str) -> FollowUpLink:
    """Record a side's answer; "worked" and "did not work out" close a match still connected."""
    # The match first, then the row (the order ``match_close`` and the scheduled run use), and
    # the link read again under both locks, so two clicks at once answer once.
    match_id = follow_up_link_read(token).follow_up.match_id  # a forged link takes no lock
    match = (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer__owner", "need__owner")
        .get(pk=match_id)
    )
    link = follow_up_link_read(token, lock=True)
    follow_up = link.follow_up
    follow_up.answer = link.answer
    follow_up.answered_at = timezone.now()
    follow_up.save(update_fields=["answer", "answered_at"])
    if link.answer != FollowUpAnswer.STILL_GOING and match.status == MatchStatus.CONNECTED:
        worked = link.answer == FollowUpAnswer.WORKED
        outcome = _outcome_text(worked=worked, side=follow_up.side)
        match_close_locked(match, actor=follow_up.recipient, worked=worked, outcome=outcome)
    return link


def _outcome_text(*, worked: bool, side: str) -> str:
    """The match's outcome when a one-click answer closed it (whole sentences, so each
    language can word them)."""
    if side == Side.OFFER:
        if worked:
            return _("It worked, said the offer side when asked how it went.")
        return _("It did not work out, said the offer side when asked how it went.")
    if worked:
        return _("It worked, said the need side when asked how it went.")
    return _("It did not work out, said the need side when asked how it went.")


def _ask(match_id: int, *, round_: int, now: dt.datetime) -> bool:
    with transaction.atomic():
        match = (
            Match.objects.select_for_update(of=("self",))
            .select_related("offer__owner", "need__owner")
            .get(pk=match_id)
        )
        if match.status != MatchStatus.CONNECTED:
            return False
        posts = {Side.OFFER: match.offer, Side.NEED: match.need}
        asked = False
        for side, post in posts.items():
            other = posts[Side.NEED if side == Side.OFFER else Side.OFFER]
            follow_up, created = MatchFollowUp.objects.get_or_create(
                match=match,
                side=side,
                round=round_,
                defaults={"recipient": post.owner, "sent_at": now},
            )
            if not created:
                continue
            asked = True
            recipient = post.owner
            with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
                links = {
                    answer: absolute_url(
                        reverse("match_follow_up", args=[follow_up_token(follow_up, answer=answer)])
                    )
                    for answer in FollowUpAnswer.values
                }
                match_path = reverse("match_detail", args=[match.pk])
            notify(
                recipient=recipient,
                kind="match_follow_up",
                dedupe_key=f"match:{match.pk}:follow-up:{side}:{round_}",
                context={
                    "match": match,
                    "own_post": post,
                    "other_post": other,
                    "other_name": _person(other.owner),
                    "again": round_ > 1,
                    "worked_url": links[FollowUpAnswer.WORKED],
                    "failed_url": links[FollowUpAnswer.DID_NOT_WORK],
                    "going_url": links[FollowUpAnswer.STILL_GOING],
                },
                action_path=match_path,
            )
        return asked


def matches_follow_up(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Ask both sides of every match connected long enough ago, then once more those still
    going; returns how many matches were asked in each round."""
    now = now or timezone.now()
    first = now - dt.timedelta(days=settings.POMOC_MATCH_FOLLOW_UP_DAYS)
    again = now - dt.timedelta(days=settings.POMOC_MATCH_FOLLOW_UP_AGAIN_DAYS)
    due = (
        Match.objects.filter(status=MatchStatus.CONNECTED, connected_at__lte=first)
        .annotate(asked=Max("follow_ups__round"), last_asked=Max("follow_ups__sent_at"))
        .filter(Q(asked__isnull=True) | Q(asked__lt=LAST_ROUND, last_asked__lte=again))
        .values_list("pk", "asked")
    )
    counts = {"first": 0, "again": 0}
    for pk, asked in list(due):
        round_ = (asked or 0) + 1
        if _ask(pk, round_=round_, now=now):
            counts["first" if round_ == 1 else "again"] += 1
    return counts
