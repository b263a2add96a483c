"""The match lifecycle: a state machine enforced here, every transition audited.

proposed → approved | rejected | expired | withdrawn (coordinator, or the system)
approved → connected (both sides accepted) | declined (one side declined) | expired
connected → completed | failed (either side, with a short outcome)

Each service locks the match row (``select_for_update``), checks the transition table and the
actor's right, writes a ``MatchTransition`` and the notifications in the same transaction; the
notifications are sent after commit by the outbox. Contacts go only into ``match_connected``.

Capacity is counted in the units of the offer's category (beds, seats, items: posts/units.py).
Approving or accepting locks the offer's row (as the engine does when it inserts proposals) and
refuses when the units of the offer's approved, connected and completed matches plus this one
would exceed its capacity. A material-aid match takes, when approved, what the need still lacks
up to what the offer has left; a completed match uses its units, the offer is fulfilled when none
remains, and the need when its quantity is covered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from geopy.distance import geodesic

from accounts.models import Membership, ProxyAction, User
from accounts.selectors import managed_account_of
from accounts.services import proxy_action_record
from matching import feasibility
from matching.models import (
    FRESH_PROPOSAL,
    TAKEN_STATUSES,
    Match,
    MatchStatus,
    MatchTransition,
    Response,
)
from matching.scoring import (
    FIT_BY_ROOT,
    NO_FIT,
    NeedData,
    OfferData,
    explanation,
    score_pair,
)
from matching.selectors import (
    match_in_scope,
    need_in_scope,
    pair_facts,
    pair_shares_a_person,
    user_post_sides,
)
from matching.sms_replies import reply_code_for
from needs.models import Need
from notifications.services import notify
from offers.models import Offer
from posts.models import PostStatus
from posts.services import post_set_status
from posts.units import need_units, unit_for
from rights.services import consent_record

TRANSITIONS: dict[str, frozenset[str]] = {
    MatchStatus.PROPOSED: frozenset(
        {MatchStatus.APPROVED, MatchStatus.REJECTED, MatchStatus.EXPIRED, MatchStatus.WITHDRAWN}
    ),
    MatchStatus.APPROVED: frozenset(
        {MatchStatus.CONNECTED, MatchStatus.DECLINED, MatchStatus.EXPIRED, MatchStatus.WITHDRAWN}
    ),
    MatchStatus.CONNECTED: frozenset({MatchStatus.COMPLETED, MatchStatus.FAILED}),
    MatchStatus.REJECTED: frozenset(),
    MatchStatus.DECLINED: frozenset(),
    # The engine proposes a withdrawn pair again once both posts are open again (a paused offer
    # resumed, a hidden need restored); only a person's "no" (rejected, declined) is final.
    MatchStatus.WITHDRAWN: frozenset({MatchStatus.PROPOSED}),
    MatchStatus.COMPLETED: frozenset(),
    MatchStatus.FAILED: frozenset(),
    # A proposal that expired before a coordinator decided goes back to the pool (issue 12):
    # proposed again by a later pass, by hand or by a person's request (``is_repoolable``).
    MatchStatus.EXPIRED: frozenset({MatchStatus.PROPOSED}),
}


def is_repoolable(match: Match) -> bool:
    """Whether the pair may be proposed again (``matching.models.repoolable_q`` for one row)."""
    return match.status == MatchStatus.WITHDRAWN or (
        match.status == MatchStatus.EXPIRED and match.decided_at is None
    )


OUTCOME_MAX_LENGTH = 500

# The messages that ask a side to accept or decline; by SMS they carry a reply code.
SMS_QUESTION_KINDS = frozenset({"match_approved", "match_reminder"})


def _lock(match: Match) -> Match:
    return (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer__owner", "need__owner")
        .get(pk=match.pk)
    )


def _require_open_posts(match: Match) -> None:
    """A match goes forward only while both posts are active and visible and both owners can
    still log in: a coordinator who hides a post or blocks a person stops their matches at once,
    before any contact is passed on (the next matcher pass then withdraws them)."""
    for post in (match.offer, match.need):
        if (
            post.status != PostStatus.ACTIVE
            or post.hidden_at is not None
            or not post.owner.is_active
        ):
            raise ValidationError(
                _("This offer or need is no longer open, so the match cannot go on.")
            )


def _transition(match: Match, *, actor: User | None, to: str, reason: str = "") -> None:
    if to not in TRANSITIONS[match.status]:
        raise ValidationError(
            _("A match cannot go from %(old)s to %(new)s.")
            % {"old": MatchStatus(match.status).label, "new": MatchStatus(to).label}
        )
    now = timezone.now()
    MatchTransition.objects.create(
        match=match, actor=actor, from_status=match.status, to_status=to, reason=reason
    )
    match.status = to
    match.status_changed_at = now
    match.save()


def _check_coordinator(match: Match, actor: User) -> None:
    if not match_in_scope(user=actor, match=match):
        raise PermissionDenied(_("You do not coordinate this match."))


def _sides(match: Match, actor: User) -> set[str]:
    sides = user_post_sides(user=actor, match=match)
    if not sides:
        raise PermissionDenied(_("You are not a party to this match."))
    return sides


def _person(user: User) -> str:
    """A name for the other side that never falls back to the email address."""
    return user.display_name or user.first_name or _("a member of Pomoc")


def _round(match: Match) -> str:
    """Which approval of the pair this is: a pair withdrawn, proposed again and approved again
    starts a new round, whose messages must not be taken for the first round's duplicates."""
    approvals = MatchTransition.objects.filter(match=match, to_status=MatchStatus.APPROVED).count()
    # The first round keeps the keys it always had, so messages already sent stay deduplicated.
    return "" if approvals <= 1 else f":r{approvals}"


def _side_recipients(post) -> list[User]:
    """Who hears about a side's matches: the post's owner and, for a post made on behalf of an
    organisation, its approved staff (who may answer for it), each once."""
    recipients = [post.owner]
    if managed_account_of(person=post.owner) is not None:
        # A person registered by an operator: notify() itself copies the operator and the
        # organisation's staff ("For Olena: …"); adding them here would tell them twice.
        return recipients
    if post.organisation_id is not None:
        staff = User.objects.filter(
            is_active=True,
            memberships__organisation_id=post.organisation_id,
            memberships__status=Membership.Status.APPROVED,
        ).exclude(pk=post.owner_id)
        recipients += list(staff.distinct().order_by("pk"))
    return recipients


def _notify_sides(match: Match, kind: str, *, key: str, only: Iterable[str] = ("offer", "need")):
    """Notify each side's people (``_side_recipients``), each with the other side's post for
    context. One person is never on both sides (``_require_two_people``), and the key is per
    recipient, so nobody hears of one event twice."""
    posts = {"offer": match.offer, "need": match.need}
    round_ = _round(match)
    for side in only:
        post, other = posts[side], posts["need" if side == "offer" else "offer"]
        for recipient in _side_recipients(post):
            with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
                path = reverse("match_detail", args=[match.pk])
            context = {
                "match": match,
                "side": side,
                "own_post": post,
                "other_post": other,
                "other_name": _person(other.owner),
            }
            if match.status == MatchStatus.CONNECTED and kind == "match_connected":
                # The only place contacts enter a message: both sides have accepted.
                context["other_email"] = other.owner.contact_email
                context["other_phone"] = other.owner.phone
            if (
                kind in SMS_QUESTION_KINDS
                and match.status == MatchStatus.APPROVED
                and recipient == post.owner
            ):
                # Asked by SMS, the person answers by SMS: "YES <code>" (matching/sms_replies.py).
                context["reply_code"] = reply_code_for(match=match, side=side, user=recipient)
            notify(
                recipient=recipient,
                kind=kind,
                dedupe_key=f"match:{match.pk}:{key}:{side}{round_}",
                context=context,
                action_path=path,
            )


def _require_two_people(match: Match) -> None:
    if pair_shares_a_person(offer=match.offer, need=match.need):
        raise ValidationError(
            _("The same person is on both sides of this match, so it cannot go ahead.")
        )


def _units_held(*, exclude: Match, statuses=TAKEN_STATUSES, **post: int) -> int:
    """Units of the matches of one offer or need (``offer_id=`` / ``need_id=``) in these
    statuses, this match left out."""
    held = Match.objects.filter(status__in=statuses, **post).exclude(pk=exclude.pk)
    return held.aggregate(units=Sum("units"))["units"] or 0


def _hold_units(match: Match) -> None:
    """Set how many units the match takes of its offer, or refuse if they do not fit.

    The offer's row is locked first, so two approvals of one offer (or an approval and the
    engine inserting proposals) cannot both take its last units. A match of a room or a lift
    takes one unit per person of the need; one of material aid what the need still lacks, up to
    what the offer has left; any other one unit."""
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=match.offer_id)
    need = match.need
    root = need.root_category.slug
    unit = unit_for(root)
    wanted = need_units(root, people_count=need.people_count, details=need.details)
    left = offer.capacity - _units_held(exclude=match, offer_id=offer.pk)
    if unit.partial:
        wanted -= _units_held(exclude=match, need_id=need.pk)
        if wanted <= 0:
            raise ValidationError(_("Other matches already cover everything this need asks for."))
        wanted = min(wanted, left)
    if wanted <= 0 or wanted > left:
        raise ValidationError(
            _(
                "The offer has %(left)d of its %(capacity)d left (%(unit)s); "
                "this match needs %(units)d."
            )
            % {
                "left": max(left, 0),
                "capacity": offer.capacity,
                "unit": unit_for(offer.root_category.slug).label,
                "units": max(wanted, 1),
            }
        )
    match.units = wanted


@transaction.atomic
def match_approve(match: Match, *, actor: User, reason: str = "") -> Match:
    match = _lock(match)
    _check_coordinator(match, actor)
    _require_open_posts(match)
    _require_two_people(match)
    _hold_units(match)
    _transition(match, actor=actor, to=MatchStatus.APPROVED, reason=reason)
    match.decided_by = actor
    match.decided_at = timezone.now()
    match.reason = reason
    match.save()
    _notify_sides(match, "match_approved", key="approved")
    return match


@transaction.atomic
def match_reject(match: Match, *, actor: User, reason: str) -> Match:
    reason = (reason or "").strip()
    match = _lock(match)
    _check_coordinator(match, actor)
    if not reason:
        raise ValidationError({"reason": _("Say why the match is rejected.")})
    _transition(match, actor=actor, to=MatchStatus.REJECTED, reason=reason)
    match.decided_by = actor
    match.decided_at = timezone.now()
    match.reason = reason
    match.save()
    return match


@transaction.atomic
def match_bulk_approve(match_ids: Iterable[int], *, actor: User) -> int:
    """Approve all the given proposals or none (one refused rolls back the others)."""
    ids = sorted(set(match_ids))
    if not ids:
        raise ValidationError({"matches": _("Choose at least one proposal.")})
    for match in Match.objects.filter(pk__in=ids).order_by("pk"):
        match_approve(match, actor=actor)
    found = Match.objects.filter(pk__in=ids).count()
    if found != len(ids):
        raise ValidationError({"matches": _("Some of the chosen proposals do not exist.")})
    return found


def _score(offer: Offer, need: Need, distance_km: float) -> tuple[float, dict]:
    now = timezone.now()
    offer_data = OfferData(
        id=offer.pk,
        radius_km=float(offer.radius_km),
        remote=offer.remote,
        languages=frozenset(offer.languages),
        age_days=max(0.0, (now - offer.created_at).total_seconds() / 86400),
        verified_organisation=bool(offer.organisation_id and offer.organisation.verified),
        capacity=offer.capacity,
    )
    root = need.category.parent or need.category
    fit_kind = FIT_BY_ROOT.get(root.slug, NO_FIT)
    units = need_units(root.slug, people_count=need.people_count, details=need.details)
    need_data = NeedData(
        id=need.pk,
        radius_km=float(need.radius_km),
        remote=need.remote,
        languages=frozenset(need.languages),
        urgency=need.urgency,
        waiting_days=max(0.0, (now - need.created_at).total_seconds() / 86400),
        units=units,
        fit_kind=fit_kind,
    )
    pair = score_pair(
        offer=offer_data,
        need=need_data,
        distance_km=distance_km,
        weights=settings.POMOC_MATCHING_WEIGHTS,
    )
    return pair.score, explanation(pair, settings.POMOC_MATCHING_WEIGHTS)


@transaction.atomic
def match_create_manual(
    *,
    offer: Offer,
    need: Need,
    actor: User,
    reason: str = "",
    household_override: bool = False,
) -> Match:
    """A coordinator pairs any active offer with a need they look after; it is approved at
    once (the coordinator checked it) and scored so the breakdown is shown like any other."""
    if not need_in_scope(user=actor, need=need):
        raise PermissionDenied(_("You do not coordinate this need."))
    errors = {}
    if offer.status != PostStatus.ACTIVE or offer.hidden_at is not None:
        errors["offer"] = _("The offer is not active.")
    if need.status != PostStatus.ACTIVE or need.hidden_at is not None:
        errors["need"] = _("The need is not active.")
    # The matcher's rules for one pair (matching/feasibility.py), of which a coordinator's
    # judgement replaces those about fit (category, reach, languages, details: a coordinator
    # may know better), while these always hold; the household rule only with a reason.
    earlier = Match.objects.select_for_update().filter(offer=offer, need=need).first()
    refusals = {
        refusal.code: refusal
        for refusal in feasibility.pair_refusals(
            pair_facts(offer=offer, need=need), today=timezone.localdate()
        )
    }
    for code, field in (("host_unverified", "offer"), ("same_person", "need")):
        if code in refusals:
            errors[field] = str(refusals[code])
    reason = (reason or "").strip()
    if "household" in refusals:
        if not household_override:
            errors["need"] = _(
                "This group includes children or is women only, and the host lives alone or "
                "has not said who lives in the home. Only override this with a reason."
            )
        elif not reason:
            errors["reason"] = _("Say why this group may stay with this host.")
        else:
            reason = _("Household rule overridden: %(reason)s") % {"reason": reason}
    # A pair the engine withdrew (a post was paused or hidden) or whose proposal expired
    # undecided may be taken up again; any other earlier match, and above all a "no", stands.
    if "already_matched" in refusals:
        errors["need"] = str(refusals["already_matched"])
    if errors:
        raise ValidationError(errors)
    distance_km = geodesic(
        (offer.location.y, offer.location.x), (need.location.y, need.location.x)
    ).km
    score, explained = _score(offer, need, distance_km)
    if earlier is None:
        match = Match.objects.create(offer=offer, need=need, score=score, explanation=explained)
    else:
        match = earlier
        match.score, match.explanation, match.proposed_at = score, explained, timezone.now()
        for name, value in FRESH_PROPOSAL.items():
            setattr(match, name, value)
        _transition(match, actor=actor, to=MatchStatus.PROPOSED, reason=_("Matched by hand again."))
    return match_approve(match, actor=actor, reason=reason or _("Matched by hand."))


@transaction.atomic
def match_respond(match: Match, *, actor: User, accept: bool) -> Match:
    """The answer of the side the actor is on; both accepted connects, one decline ends it."""
    match = _lock(match)
    sides = _sides(match, actor)
    if match.status != MatchStatus.APPROVED:
        raise ValidationError(_("This match is not waiting for an answer."))
    # A person registered by an operator (no email) is answered for by the operator: the
    # step is theirs on the person's behalf, logged as such, and the consent the person's.
    posts = {"offer": match.offer, "need": match.need}
    represented = [
        posts[side].owner
        for side in sorted(sides)
        if posts[side].owner_id != actor.pk and managed_account_of(person=posts[side].owner)
    ]
    if represented and len(sides) == 2:
        # The operator's own offer: acting for the person too would answer for both sides.
        raise ValidationError(_("Nobody may answer for both sides of a match."))
    if accept:
        _require_open_posts(match)
        # Memberships may have changed since the approval, and the offer's capacity too.
        _require_two_people(match)
        _require_units(match)
        # Accepting is consent to show the other side these contact fields (issue 11).
        for person in represented or [actor]:
            consent_record(user=person, match=match)
    for person in represented:
        proxy_action_record(
            actor=actor,
            person=person,
            action=ProxyAction.Action.MATCH_ACCEPTED
            if accept
            else ProxyAction.Action.MATCH_DECLINED,
            match=match,
        )
    answer = Response.ACCEPTED if accept else Response.DECLINED
    if "offer" in sides:
        match.offer_response = answer
    if "need" in sides:
        match.need_response = answer
    match.save()
    if not accept:
        _transition(match, actor=actor, to=MatchStatus.DECLINED, reason=_("Declined."))
        others = {"offer", "need"} - sides
        _notify_sides(match, "match_declined", key="declined", only=sorted(others))
    elif match.offer_response == match.need_response == Response.ACCEPTED:
        _transition(match, actor=actor, to=MatchStatus.CONNECTED)
        match.connected_at = timezone.now()
        match.save()
        _notify_sides(match, "match_connected", key="connected")
    return match


def _require_units(match: Match) -> None:
    """The units this approved match holds still fit the offer (its owner may have lowered
    the capacity since)."""
    offer = Offer.objects.select_for_update(of=("self",)).get(pk=match.offer_id)
    held = _units_held(exclude=match, offer_id=offer.pk) + match.units
    if held > offer.capacity:
        raise ValidationError(
            _(
                "The offer has %(left)d of its %(capacity)d left (%(unit)s); "
                "this match needs %(units)d."
            )
            % {
                "left": max(offer.capacity - held + match.units, 0),
                "capacity": offer.capacity,
                "unit": unit_for(offer.root_category.slug).label,
                "units": match.units,
            }
        )


@transaction.atomic
def match_close(match: Match, *, actor: User, worked: bool, outcome: str) -> Match:
    """Either side says how it went. A completed match uses its units of the offer's capacity
    (the offer is fulfilled when none remains) and fills the need, or for material aid lowers
    what remains of it (the need is fulfilled when nothing remains)."""
    outcome = (outcome or "").strip()
    match = _lock(match)
    _sides(match, actor)
    if len(outcome) > OUTCOME_MAX_LENGTH:
        raise ValidationError(
            {"outcome": _("Keep the outcome under %(n)d characters.") % {"n": OUTCOME_MAX_LENGTH}}
        )
    if not worked and not outcome:
        raise ValidationError({"outcome": _("Say briefly what did not work out.")})
    return match_close_locked(match, actor=actor, worked=worked, outcome=outcome)


def match_close_locked(match: Match, *, actor: User | None, worked: bool, outcome: str) -> Match:
    """``match_close`` after its checks, for a caller that holds the match's row lock and has
    checked the actor itself (the one-click answers of matching/follow_up.py)."""
    target = MatchStatus.COMPLETED if worked else MatchStatus.FAILED
    _transition(match, actor=actor, to=target, reason=outcome)
    match.outcome = outcome
    match.closed_at = timezone.now()
    match.save()
    if worked:
        completed = (MatchStatus.COMPLETED,)
        need = Need.objects.select_for_update().get(pk=match.need_id)
        root = need.root_category.slug
        covered = not unit_for(root).partial or _units_held(
            exclude=match, statuses=completed, need_id=need.pk
        ) + match.units >= need_units(root, people_count=need.people_count, details=need.details)
        if covered and PostStatus.FULFILLED in _post_next(need.status):
            post_set_status(need, actor=None, status=PostStatus.FULFILLED)
        offer = Offer.objects.select_for_update().get(pk=match.offer_id)
        used = _units_held(exclude=match, statuses=completed, offer_id=offer.pk) + match.units
        if used >= offer.capacity and PostStatus.FULFILLED in _post_next(offer.status):
            post_set_status(offer, actor=None, status=PostStatus.FULFILLED)
    _notify_sides(match, "match_closed", key="closed")
    return match


def _post_next(status: str) -> frozenset[str]:
    from posts.models import STATUS_TRANSITIONS

    return STATUS_TRANSITIONS[status]


def _expire(match_id: int, *, reason: str, status: str) -> bool:
    with transaction.atomic():
        match = Match.objects.select_for_update().select_related("offer", "need").get(pk=match_id)
        if match.status != status:  # moved on since we looked: leave it
            return False
        _transition(match, actor=None, to=MatchStatus.EXPIRED, reason=reason)
        if status == MatchStatus.APPROVED:
            _notify_sides(match, "match_expired", key="expired")
        return True


def matches_expire(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Expire proposals nobody decided and approved matches nobody answered; remind once."""
    now = now or timezone.now()
    counts = {"proposals_expired": 0, "reminded": 0, "approved_expired": 0}
    stale = Match.objects.filter(
        status=MatchStatus.PROPOSED, status_changed_at__lt=now - settings.POMOC_MATCH_PROPOSAL_TTL
    ).values_list("pk", flat=True)
    for pk in list(stale):
        counts["proposals_expired"] += _expire(
            pk, reason=_("No coordinator decided in time."), status=MatchStatus.PROPOSED
        )
    unanswered = Match.objects.filter(
        status=MatchStatus.APPROVED, status_changed_at__lt=now - settings.POMOC_MATCH_ANSWER_TTL
    ).values_list("pk", flat=True)
    for pk in list(unanswered):
        counts["approved_expired"] += _expire(
            pk, reason=_("Nobody answered in time."), status=MatchStatus.APPROVED
        )
    due = Match.objects.filter(
        status=MatchStatus.APPROVED,
        reminded_at__isnull=True,
        status_changed_at__lt=now - settings.POMOC_MATCH_REMINDER_AFTER,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            match = Match.objects.select_for_update().select_related("offer", "need").get(pk=pk)
            if match.status != MatchStatus.APPROVED or match.reminded_at is not None:
                continue
            pending = [
                side
                for side, answer in (("offer", match.offer_response), ("need", match.need_response))
                if answer == Response.PENDING
            ]
            match.reminded_at = now
            match.save(update_fields=["reminded_at"])
            _notify_sides(match, "match_reminder", key="reminder", only=pending)
            counts["reminded"] += 1
    return counts
