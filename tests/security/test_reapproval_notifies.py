"""Attack 11 (a silent failure rather than an attacker): a pair withdrawn, proposed again and
approved again used to reuse the first approval's dedupe keys, so neither side heard of the
second approval and the match expired unanswered."""

from __future__ import annotations

import pytest
from django.core import mail

from matching.engine import incremental_pass
from matching.lifecycle import match_approve
from matching.models import Match, MatchStatus
from notifications.models import Notification
from notifications.services import deliveries_send_due
from posts.services import post_set_status
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_re_approved_pair_is_announced_to_both_sides_again(coordinator):
    offer = factories.OfferFactory(title="Room in Brno")
    need = factories.NeedFactory(title="Room for a mother and son")
    incremental_pass(need_id=need.pk)
    match = Match.objects.get(offer=offer, need=need)
    match_approve(match, actor=coordinator)

    # The volunteer pauses the offer (the match is withdrawn), then takes it up again.
    post_set_status(offer, actor=offer.owner, status="paused")
    incremental_pass(offer_id=offer.pk)
    match.refresh_from_db()
    assert match.status == MatchStatus.WITHDRAWN
    post_set_status(offer, actor=offer.owner, status="active")
    incremental_pass(offer_id=offer.pk)
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED
    match_approve(match, actor=coordinator)

    deliveries_send_due()  # what the worker's outbox schedule does
    approvals = Notification.objects.filter(kind="match_approved")
    for owner in (offer.owner, need.owner):
        assert approvals.filter(recipient=owner).count() == 2
        assert sum(owner.email in message.to for message in mail.outbox) == 2
