"""A person responds to a post: "I need this" on an offer, "I can help" on a need (issue 12).

The response becomes a proposal like the matcher's, marked as asked for by the responder's side
(``Match.requested_by``) with their message, and waits in the queue of the coordinators who
look after the need. It is held to every rule the matcher applies to a pair
(``matching.feasibility.pair_refusals``): a pair the matcher would never propose cannot be
asked for either, and the refusal says why. The proposal-count limits (``POMOC_MATCHING_PER_NEED``
and ``_PER_OFFER``) are the matcher's own restraint against flooding and do not apply to a
person's deliberate choice; the offer's units do (a request holds them like any proposal, so a
coordinator may approve any open proposal of an offer).

Steps, in one transaction (a refusal leaves nothing behind, not even a new post written in
the same step): check the message, that the responder may see the post responded to and may
answer for their own post (its owner or approved staff of its organisation), create that post
if it is new, lock the offer's row (as the engine and approvals do), judge the pair, count the
response against the responder's allowance, and write the proposal (or take up again a pair
that may be proposed again) with an audit-log step.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from accounts.scopes import user_can_coordinate
from matching.feasibility import pair_refusals, units_wanted
from matching.lifecycle import _score, _transition, is_repoolable
from matching.models import FRESH_PROPOSAL, Match, MatchStatus, MatchTransition, RequestedBy
from matching.selectors import pair_facts
from needs.models import Need
from needs.services import need_create
from offers.models import Offer
from offers.services import offer_create
from posts.models import Post
from posts.ratelimit import FixedWindowLimit
from posts.selectors import post_visible
from posts.units import need_units, unit_for

MESSAGE_MAX_LENGTH = 1000

RESPONDING = FixedWindowLimit(
    "respond-rate", "POMOC_RESPOND_RATE_LIMIT", "POMOC_RESPOND_RATE_WINDOW_SECONDS"
)


def user_answers_for(*, user: User, post: Post) -> bool:
    """The post's owner, or approved staff of the organisation it was posted for."""
    if not user.is_authenticated:
        return False
    if post.owner_id == user.pk:
        return True
    return bool(
        post.organisation_id
        and Membership.objects.filter(
            user=user, organisation_id=post.organisation_id, status=Membership.Status.APPROVED
        ).exists()
    )


def respond_rate_exceeded(*, user: User) -> bool:
    return not user_can_coordinate(user=user) and RESPONDING.exceeded(user)


def _sides(target: Post) -> tuple[str, str]:
    """(the side of the post responded to, the responder's side)."""
    return ("offer", "need") if isinstance(target, Offer) else ("need", "offer")


@transaction.atomic
def match_request(
    *,
    actor: User,
    target: Offer | Need,
    own: Offer | Need | None = None,
    new_post: dict[str, object] | None = None,
    message: str = "",
) -> Match:
    """The responder's ``own`` post (or a ``new_post``, the keyword arguments of
    ``offer_create`` / ``need_create``) asks to be paired with ``target``. Raises
    ``ValidationError`` naming the field (``need`` or ``offer``: the responder's post,
    ``message``) and ``posts.ratelimit.RateLimitExceeded``; saves nothing then."""
    target_side, own_side = _sides(target)
    message = (message or "").strip()
    if len(message) > MESSAGE_MAX_LENGTH:
        raise ValidationError(
            {"message": _("Keep the message under %(n)d characters.") % {"n": MESSAGE_MAX_LENGTH}}
        )
    if (own is None) == (new_post is None):
        raise ValidationError({own_side: _("Choose one of your posts or write a new one.")})
    if not post_visible(type(target), user=actor).filter(pk=target.pk).exists():
        raise ValidationError({target_side: _("This post is not open for responses.")})
    if own is None:
        create = need_create if own_side == "need" else offer_create
        own = create(owner=actor, **new_post)
    else:
        own_model = Need if own_side == "need" else Offer
        if not isinstance(own, own_model) or not user_answers_for(user=actor, post=own):
            raise ValidationError(
                {
                    own_side: _("Choose one of your own needs.")
                    if own_side == "need"
                    else _("Choose one of your own offers.")
                }
            )
    offer, need = (target, own) if target_side == "offer" else (own, target)
    # The offer's row first, as the engine's insert and the approvals take it: the units it
    # has left cannot change until this proposal is written.
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("category__parent", "organisation", "owner")
        .get(pk=offer.pk)
    )
    need = Need.objects.select_related("category__parent", "owner").get(pk=need.pk)
    facts = pair_facts(offer=offer, need=need)
    refusals = pair_refusals(facts, today=timezone.localdate())
    if refusals:
        raise ValidationError({own_side: [str(refusal) for refusal in refusals]})
    if not user_can_coordinate(user=actor):
        RESPONDING.reserve(
            actor, _("You have responded to many posts in a short time. Please try again later.")
        )
    root = need.root_category.slug
    units = units_wanted(facts)
    if unit_for(root).partial:
        lacks = need_units(root, people_count=need.people_count, details=need.details)
        units = min(lacks - facts.need_units_held, facts.offer.free_units)
    score, explained = _score(offer, need, facts.distance_km)
    requested = RequestedBy.NEED if own_side == "need" else RequestedBy.OFFER
    reason = _("Asked for by %(side)s.") % {"side": RequestedBy(requested).label}
    earlier = Match.objects.select_for_update().filter(offer=offer, need=need).first()
    fields = {
        "score": score,
        "explanation": explained,
        "units": units,
        "requested_by": requested,
        "requester": actor,
        "request_message": message,
    }
    if earlier is not None and is_repoolable(earlier):
        match = earlier
        for name, value in {**FRESH_PROPOSAL, **fields}.items():
            setattr(match, name, value)
        match.proposed_at = timezone.now()
        _transition(match, actor=actor, to=MatchStatus.PROPOSED, reason=reason)
        return match
    try:
        with transaction.atomic():
            match = Match.objects.create(offer=offer, need=need, **fields)
    except IntegrityError:
        # The same pair written meanwhile (a double click, a matcher pass).
        raise ValidationError({own_side: _("This offer and need were already matched.")}) from None
    MatchTransition.objects.create(
        match=match,
        actor=actor,
        from_status=MatchStatus.PROPOSED,
        to_status=MatchStatus.PROPOSED,
        reason=reason,
    )
    return match
