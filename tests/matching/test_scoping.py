from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accounts.models import CoordinatorScope
from matching import lifecycle
from matching.models import MatchStatus
from matching.selectors import QueueFilters, match_queue_for, user_can_coordinate
from needs.models import Urgency
from tests.factories import (
    MatchFactory,
    MembershipFactory,
    NeedFactory,
    OrganisationFactory,
    UserFactory,
    category,
)

pytestmark = pytest.mark.django_db


def _org_coordinator(organisation):
    user = UserFactory(roles=["coordinator"])
    MembershipFactory(user=user, organisation=organisation)
    return user


def test_platform_coordinators_and_superusers_see_every_proposal(platform_coordinator):
    matches = {MatchFactory().pk, MatchFactory().pk}
    superuser = UserFactory(is_superuser=True, roles=[])
    assert {m.pk for m in match_queue_for(user=platform_coordinator)} == matches
    assert {m.pk for m in match_queue_for(user=superuser)} == matches


def test_organisation_coordinator_sees_only_their_organisations_needs():
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    mine = MatchFactory(need__organisation=ours)
    other = MatchFactory(need__organisation=theirs)
    MatchFactory()  # a need of nobody's organisation
    coordinator = _org_coordinator(ours)

    assert list(match_queue_for(user=coordinator)) == [mine]

    # A coordinator of another organisation can neither see nor approve it.
    with pytest.raises(PermissionDenied):
        lifecycle.match_approve(other, actor=coordinator)
    other.refresh_from_db()
    assert other.status == MatchStatus.PROPOSED


def test_a_plain_member_without_the_coordinator_role_has_no_queue():
    organisation = OrganisationFactory()
    member = MembershipFactory(organisation=organisation, user__roles=["volunteer"]).user
    match = MatchFactory(need__organisation=organisation)
    assert not user_can_coordinate(user=member)
    with pytest.raises(PermissionDenied):
        lifecycle.match_approve(match, actor=member)


def test_requested_membership_gives_no_scope():
    organisation = OrganisationFactory()
    user = UserFactory(roles=["coordinator"])
    MembershipFactory(user=user, organisation=organisation, status="requested")
    MatchFactory(need__organisation=organisation)
    assert not user_can_coordinate(user=user)


def test_region_and_category_scopes():
    user = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, region="Jihomoravský kraj")
    CoordinatorScope.objects.create(user=user, category=category("work"))
    in_region = MatchFactory(need__region="Jihomoravský kraj")
    work_match = MatchFactory(need__category=category("work"), need__region="Praha")
    MatchFactory(need__region="Praha")

    assert {m.pk for m in match_queue_for(user=user)} == {in_region.pk, work_match.pk}
    lifecycle.match_approve(work_match, actor=user)


def test_organisation_scope_row_grants_that_organisation():
    organisation = OrganisationFactory()
    user = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, organisation=organisation)
    match = MatchFactory(need__organisation=organisation)
    assert list(match_queue_for(user=user)) == [match]


def test_a_scope_without_the_coordinator_role_grants_nothing():
    user = UserFactory(roles=["volunteer"])
    CoordinatorScope.objects.create(user=user, platform=True)
    match = MatchFactory()
    assert not user_can_coordinate(user=user)
    assert not match_queue_for(user=user).exists()
    with pytest.raises(PermissionDenied):
        lifecycle.match_approve(match, actor=user)


def test_manual_match_only_for_needs_in_scope():
    ours, theirs = OrganisationFactory(), OrganisationFactory()
    coordinator = _org_coordinator(ours)
    from tests.factories import OfferFactory

    with pytest.raises(PermissionDenied):
        lifecycle.match_create_manual(
            offer=OfferFactory(), need=NeedFactory(organisation=theirs), actor=coordinator
        )
    match = lifecycle.match_create_manual(
        offer=OfferFactory(), need=NeedFactory(organisation=ours), actor=coordinator
    )
    assert match.status == MatchStatus.APPROVED


def test_queue_is_most_urgent_then_best_scored_and_filters(platform_coordinator):
    low_best = MatchFactory(score=0.99, need__urgency=Urgency.LOW)
    critical_worse = MatchFactory(score=0.5, need__urgency=Urgency.CRITICAL)
    critical_better = MatchFactory(score=0.7, need__urgency=Urgency.CRITICAL)
    work_match = MatchFactory(score=0.1, need__category=category("work"), need__region="Praha")
    MatchFactory(status=MatchStatus.APPROVED)  # decided: not in the queue

    # Critical first (better score first among them), then normal, then low.
    queue = list(match_queue_for(user=platform_coordinator))
    assert queue == [critical_better, critical_worse, work_match, low_best]

    urgent = match_queue_for(
        user=platform_coordinator, filters=QueueFilters(min_urgency=Urgency.CRITICAL)
    )
    assert list(urgent) == [critical_better, critical_worse]
    by_category = match_queue_for(
        user=platform_coordinator, filters=QueueFilters(category_id=category("work").pk)
    )
    assert list(by_category) == [work_match]
    by_region = match_queue_for(user=platform_coordinator, filters=QueueFilters(region="Praha"))
    assert list(by_region) == [work_match]
    assert not match_queue_for(user=platform_coordinator, filters=QueueFilters(min_age_days=2))
