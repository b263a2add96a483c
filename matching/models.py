"""Proposals pairing an offer with a need, and the record of each matching pass."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    # A coordinator turned the pair down: the matcher never proposes it again.
    REJECTED = "rejected", _("Rejected")
    # The offer's or the need's owner turned it down: never proposed again either.
    DECLINED = "declined", _("Declined")
    # The matcher took it back because the offer or need closed, paused or expired.
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # Both sides accepted: from here on each sees the other's contact.
    CONNECTED = "connected", _("Connected")
    COMPLETED = "completed", _("Completed")
    FAILED = "failed", _("Did not work out")
    # Nobody acted in time (a proposal no coordinator looked at, an approval nobody answered).
    EXPIRED = "expired", _("Expired")


# Statuses that hold their units of the offer's capacity for good (approved and on).
TAKEN_STATUSES = (MatchStatus.APPROVED, MatchStatus.CONNECTED, MatchStatus.COMPLETED)
# Open proposals and the statuses above: what counts against a need's and an offer's slots,
# and whose ``units`` an offer no longer has free (proposals too: every proposal of an offer
# fits together, so a coordinator may approve any of them).
HOLDING_STATUSES = (MatchStatus.PROPOSED, *TAKEN_STATUSES)


class Response(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


# What a withdrawn pair starts over with when it is proposed again (by the engine, in SQL) or
# matched by hand again: no answers, no decision, no reminder, no outcome yet.
FRESH_PROPOSAL = {
    "offer_response": Response.PENDING,
    "need_response": Response.PENDING,
    "decided_by": None,
    "decided_at": None,
    "reason": "",
    "reminded_at": None,
    "connected_at": None,
    "closed_at": None,
    "outcome": "",
    # Proposed again by the engine: the matcher's proposal now, whoever asked the first time.
    "requested_by": "matcher",
    "requester": None,
    "request_message": "",
}


class RequestedBy(models.TextChoices):
    """Who put the pair forward: the matcher, or a person on one side ("I need this" on an
    offer is the need side asking; "I can help" on a need is the offer side)."""

    MATCHER = "matcher", _("The matcher")
    OFFER = "offer", _("The offer's side")
    NEED = "need", _("The need's side")


# A proposal that ended without anyone's "no" may be proposed again: withdrawn by the engine
# (a post was paused, hidden or expired and is open again), or expired in the queue before a
# coordinator decided (``decided_at`` empty: an approval nobody answered stays expired). The
# same condition as SQL, for the candidates and the engine's insert (alias ``m``).
def repoolable_q() -> Q:
    return Q(status=MatchStatus.WITHDRAWN) | Q(status=MatchStatus.EXPIRED, decided_at__isnull=True)


REPOOLABLE_SQL = (
    f"(m.status = '{MatchStatus.WITHDRAWN}' "
    f"OR (m.status = '{MatchStatus.EXPIRED}' AND m.decided_at IS NULL))"
)


class RunKind(models.TextChoices):
    FULL = "full", _("Full pass")
    INCREMENTAL = "incremental", _("Incremental pass")


class MatchRun(models.Model):
    """One matching pass: when, how long, what it did and what went wrong."""

    kind = models.CharField(_("kind"), max_length=16, choices=RunKind.choices)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    duration_s = models.FloatField(_("duration (s)"), null=True, blank=True)
    needs_considered = models.PositiveIntegerField(_("needs considered"), default=0)
    candidates = models.PositiveIntegerField(_("candidate pairs"), default=0)
    proposed = models.PositiveIntegerField(_("proposals made"), default=0)
    withdrawn = models.PositiveIntegerField(_("proposals withdrawn"), default=0)
    expired = models.PositiveIntegerField(_("posts expired"), default=0)
    skipped = models.BooleanField(
        _("skipped"), default=False, help_text=_("Another full pass was running.")
    )
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M:%S}"


class Match(models.Model):
    """A proposed pairing of an offer with a need, with the score explained factor by factor."""

    # No single-column indexes on offer and need: the (offer, need) unique index and the
    # (need, status) index serve those lookups, and a full pass inserts ~150 000 rows at once.
    offer = models.ForeignKey(
        "offers.Offer",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("offer"),
        db_index=False,
    )
    need = models.ForeignKey(
        "needs.Need",
        on_delete=models.CASCADE,
        related_name="matches",
        verbose_name=_("need"),
        db_index=False,
    )
    score = models.FloatField(_("score"))
    # How many units of the offer's capacity (beds, seats, items, places: posts/units.py) the
    # match holds: the need's people for a room or a lift, the part of a material-aid need this
    # offer fills, else 1. Set when proposed and again when approved.
    units = models.PositiveIntegerField(_("units"), default=1, db_default=1)
    # {"factors": {"distance": 0.8, ...}, "weights": {...}, "distance_km": 3.2}
    explanation = models.JSONField(_("explanation"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    run = models.ForeignKey(
        MatchRun,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("run"),
        # A pointer into the audit log of runs. Nothing looks matches up by run, and every
        # proposal of a pass would pay for an index and a foreign-key check (a tenth of the
        # pass at 10 000 x 10 000); deleting a run (rare, by hand) goes through the ORM, which
        # still sets this to NULL.
        db_index=False,
        db_constraint=False,
    )
    offer_response = models.CharField(
        _("offer side's answer"),
        max_length=16,
        choices=Response.choices,
        default=Response.PENDING,
        db_default=Response.PENDING,
    )
    need_response = models.CharField(
        _("need side's answer"),
        max_length=16,
        choices=Response.choices,
        default=Response.PENDING,
        db_default=Response.PENDING,
    )
    # The engine inserts rows with raw SQL, so the new non-null columns have database defaults.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,  # partial index below: proposals have no decider
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, default="", db_default="")
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True, default="", db_default="")
    # Who asked for the pair (issue 12): the matcher's proposals, or a person's response to a
    # post, which coordinators see marked in their queue.
    requested_by = models.CharField(
        _("requested by"),
        max_length=16,
        choices=RequestedBy.choices,
        default=RequestedBy.MATCHER,
        db_default=RequestedBy.MATCHER,
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requester"),
        db_index=False,  # nothing looks matches up by requester
    )
    request_message = models.TextField(
        _("message of the request"), blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-score"]
        constraints = [
            # One row per pair, whatever its status: this is what makes a rejected or declined
            # pair impossible to propose again and a re-run unable to duplicate.
            models.UniqueConstraint(fields=["offer", "need"], name="match_unique_offer_need"),
            models.CheckConstraint(
                condition=Q(status__in=MatchStatus.values), name="match_status_valid"
            ),
            models.CheckConstraint(condition=Q(units__gte=1), name="match_units_at_least_1"),
            models.CheckConstraint(
                condition=Q(requested_by__in=RequestedBy.values), name="match_requested_by_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["need", "status"], name="match_need_status"),
            models.Index(fields=["offer", "status"], name="match_offer_status"),
            # The pairs the engine may propose again; proposals never enter this index.
            models.Index(
                fields=["offer", "need"],
                condition=Q(status="withdrawn"),
                name="match_withdrawn_pair",
            ),
            models.Index(
                fields=["decided_by"],
                condition=Q(decided_by__isnull=False),
                name="match_decided_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} → {self.need_id} ({self.score:.2f})"


class MatchTransition(models.Model):
    """The audit log: who moved a match from which status to which, when and why."""

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("match")
    )
    # None: the system itself (expiry, reminders).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    from_status = models.CharField(_("from"), max_length=16, choices=MatchStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=MatchStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("match transition")
        verbose_name_plural = _("match transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.match_id}: {self.from_status} → {self.to_status}"


class SmsReplyCode(models.Model):
    """The short code in an SMS asking one side to accept or decline a match. A reply is
    matched by this code together with the phone it comes from, never by the phone alone: one
    phone may be asked about several matches at once."""

    code = models.CharField(_("code"), max_length=8)
    phone = models.CharField(_("phone"), max_length=20)
    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="sms_reply_codes", verbose_name=_("match")
    )
    side = models.CharField(_("side"), max_length=5)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        verbose_name = _("SMS reply code")
        verbose_name_plural = _("SMS reply codes")
        constraints = [
            models.UniqueConstraint(fields=["phone", "code"], name="sms_reply_code_per_phone"),
            models.CheckConstraint(
                condition=models.Q(side__in=["offer", "need"]), name="sms_reply_code_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} → match {self.match_id} ({self.side})"


class FollowUpAnswer(models.TextChoices):
    WORKED = "worked", _("It worked")
    DID_NOT_WORK = "did_not_work", _("It did not work out")
    STILL_GOING = "still_going", _("Still going")


class Side(models.TextChoices):
    OFFER = "offer", _("Offer side")
    NEED = "need", _("Need side")


class MatchFollowUp(models.Model):
    """One "How did it go?" question to one side of a connected match, and that side's answer
    (matching/follow_up.py). The answers are the outcome recorded per side: the first "worked"
    or "did not work" closes the match, a later one of the other side is kept as it is."""

    match = models.ForeignKey(
        Match, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("match")
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    # 1: the first question; 2: asked once more because the match was still going.
    round = models.PositiveSmallIntegerField(_("round"))
    # Who was asked: the side's owner when the question went out.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    answer = models.CharField(
        _("answer"), max_length=16, choices=FollowUpAnswer.choices, blank=True, default=""
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["match", "round", "side"]
        constraints = [
            # One question per side and round: the scheduled run can repeat without asking twice.
            models.UniqueConstraint(fields=["match", "side", "round"], name="match_follow_up_once"),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answer__in=FollowUpAnswer.values),
                name="match_follow_up_answer_valid",
            ),
            models.CheckConstraint(
                condition=Q(side__in=Side.values), name="match_follow_up_side_valid"
            ),
            models.CheckConstraint(
                condition=Q(answer="", answered_at__isnull=True)
                | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="match_follow_up_answered_with_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.match_id} {self.side} #{self.round}: {self.answer or '-'}"
