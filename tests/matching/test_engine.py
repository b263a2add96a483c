"""Hand-built scenes against the real PostGIS: who gets proposed to whom, and who never."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from matching import engine
from matching.models import Match, MatchRun, MatchStatus
from needs.models import Need
from needs.services import need_create
from offers.services import offer_set_status
from posts.models import PostStatus
from tests.factories import BRNO, NeedFactory, OfferFactory, OrganisationFactory, category
from tests.matching.conftest import east_of_praha

pytestmark = pytest.mark.django_db


def proposed_pairs() -> set[tuple[int, int]]:
    return set(Match.objects.filter(status=MatchStatus.PROPOSED).values_list("offer_id", "need_id"))


def test_need_30_km_away_from_an_offer_with_20_km_radius_is_not_proposed():
    offer = OfferFactory(radius_km=20)
    far = NeedFactory(location=east_of_praha(30), radius_km=0)
    near = NeedFactory(location=east_of_praha(15), radius_km=0)

    engine.full_pass()

    assert proposed_pairs() == {(offer.pk, near.pk)}
    assert far.pk not in {need_id for _, need_id in proposed_pairs()}


def test_the_needs_own_radius_extends_the_reach():
    offer = OfferFactory(radius_km=20)
    need = NeedFactory(location=east_of_praha(30), radius_km=15)

    engine.full_pass()

    assert proposed_pairs() == {(offer.pk, need.pk)}


def test_remote_pairs_are_proposed_across_the_country_but_only_if_both_are_remote():
    remote_offer = OfferFactory(remote=True, radius_km=5)
    OfferFactory(remote=False, radius_km=5)
    need_in_brno = NeedFactory(location=BRNO, remote=True, radius_km=5)
    NeedFactory(location=BRNO, remote=False, radius_km=5)

    engine.full_pass()

    assert proposed_pairs() == {(remote_offer.pk, need_in_brno.pk)}


def test_languages_must_overlap():
    czech_only = OfferFactory(languages=["cs"])
    ukrainian_speaker = OfferFactory(languages=["uk", "en"])
    need = NeedFactory(languages=["uk"])

    engine.full_pass()

    assert proposed_pairs() == {(ukrainian_speaker.pk, need.pk)}
    assert (czech_only.pk, need.pk) not in proposed_pairs()


def test_people_who_share_only_a_rarely_listed_language_are_matched_but_not_two_rare_ones():
    # Uncommon languages share one bucket in the matcher's index (migration 0007); the pair is
    # still decided by the languages themselves.
    tatar_speaker = OfferFactory(languages=["tt"])
    OfferFactory(languages=["ast"])
    need = NeedFactory(languages=["tt", "uk"])

    engine.full_pass()

    assert proposed_pairs() == {(tatar_speaker.pk, need.pk)}


def test_a_need_whose_languages_change_is_matched_by_its_new_languages():
    offer = OfferFactory(languages=["uk"])
    need = NeedFactory(languages=["cs"])
    engine.full_pass()
    assert proposed_pairs() == set()

    Need.objects.filter(pk=need.pk).update(languages=["cs", "uk"])
    engine.full_pass()

    assert proposed_pairs() == {(offer.pk, need.pk)}


def test_a_subcategory_moved_to_another_parent_takes_its_posts_along():
    clothes = category("clothes")
    general_transport = OfferFactory(category=category("transport"))
    need = NeedFactory(category=clothes)
    engine.full_pass()
    assert proposed_pairs() == set()

    clothes.parent = category("transport")
    clothes.save()
    engine.full_pass()

    assert proposed_pairs() == {(general_transport.pk, need.pk)}


def test_own_offers_and_own_organisations_offers_are_not_proposed():
    need = NeedFactory(organisation=OrganisationFactory())
    OfferFactory(owner=need.owner)
    OfferFactory(organisation=need.organisation)
    stranger = OfferFactory()

    engine.full_pass()

    assert proposed_pairs() == {(stranger.pk, need.pk)}


def test_a_subcategory_need_gets_general_offers_of_its_parent_but_not_other_categories():
    general = OfferFactory(category=category("material-aid"))
    OfferFactory(category=category("food"))
    need = NeedFactory(category=category("clothes"))

    engine.full_pass()

    assert proposed_pairs() == {(general.pk, need.pk)}


def test_capacity_is_respected():
    offer = OfferFactory(capacity=2)
    needs = [NeedFactory() for _ in range(4)]

    engine.full_pass()

    assert Match.objects.filter(offer=offer).count() == 2
    assert {need_id for _, need_id in proposed_pairs()} < {need.pk for need in needs}


def test_an_offer_with_an_approved_match_has_that_much_less_capacity():
    offer = OfferFactory(capacity=2)
    first = NeedFactory()
    Match.objects.create(offer=offer, need=first, score=1, status=MatchStatus.APPROVED)
    NeedFactory()
    NeedFactory()

    engine.full_pass()

    assert Match.objects.filter(offer=offer, status=MatchStatus.PROPOSED).count() == 1


@pytest.mark.parametrize("status", [MatchStatus.CONNECTED, MatchStatus.COMPLETED])
@pytest.mark.parametrize("incremental", [False, True])
def test_connected_and_completed_matches_use_capacity(status, incremental):
    offer = OfferFactory(capacity=2)
    Match.objects.create(offer=offer, need=NeedFactory(), score=1, status=MatchStatus.APPROVED)
    Match.objects.create(offer=offer, need=NeedFactory(), score=1, status=status)
    waiting = NeedFactory()

    if incremental:
        engine.incremental_pass(need_id=waiting.pk)
    else:
        engine.full_pass()

    assert not Match.objects.filter(offer=offer, status=MatchStatus.PROPOSED).exists()


def test_each_need_gets_its_best_few_proposals(settings):
    settings.POMOC_MATCHING_PER_NEED = 2
    near = OfferFactory(location=east_of_praha(1))
    nearer = OfferFactory(location=east_of_praha(0.5))
    OfferFactory(location=east_of_praha(8))
    need = NeedFactory()

    engine.full_pass()

    assert proposed_pairs() == {(near.pk, need.pk), (nearer.pk, need.pk)}


@pytest.mark.parametrize("status", [MatchStatus.REJECTED, MatchStatus.DECLINED])
def test_a_rejected_or_declined_pair_never_returns(status):
    offer = OfferFactory()
    need = NeedFactory()
    Match.objects.create(offer=offer, need=need, score=0.9, status=status)
    other = OfferFactory()

    engine.full_pass()
    engine.incremental_pass(need_id=need.pk)
    engine.incremental_pass(offer_id=offer.pk)

    assert Match.objects.get(offer=offer, need=need).status == status
    assert proposed_pairs() == {(other.pk, need.pk)}


def test_a_closed_offers_proposals_are_withdrawn_when_it_closes(
    settings, coordinator, django_capture_on_commit_callbacks
):
    offer = OfferFactory()
    need = NeedFactory()
    engine.full_pass()
    assert proposed_pairs() == {(offer.pk, need.pk)}

    # The owner withdraws the offer: the incremental pass queued on commit takes it back.
    settings.POMOC_MATCHING_ON_SAVE = "sync"
    with django_capture_on_commit_callbacks(execute=True):
        offer_set_status(offer, actor=coordinator, status=PostStatus.WITHDRAWN)

    assert Match.objects.get(offer=offer, need=need).status == MatchStatus.WITHDRAWN


def test_a_paused_need_loses_its_proposals_in_the_next_full_pass():
    offer = OfferFactory()
    need = NeedFactory()
    engine.full_pass()
    need.status = PostStatus.PAUSED
    need.save()

    result = engine.full_pass()

    assert result.withdrawn == 1
    assert Match.objects.get(offer=offer, need=need).status == MatchStatus.WITHDRAWN


@pytest.mark.parametrize("incremental", [False, True])
def test_a_paused_need_resumed_is_proposed_its_withdrawn_pairs_again(
    platform_coordinator, incremental
):
    from matching.lifecycle import match_approve
    from matching.models import MatchTransition

    OfferFactory()
    need = NeedFactory()
    engine.full_pass()
    match = Match.objects.get()
    match_approve(match=match, actor=platform_coordinator)
    need.status = PostStatus.PAUSED
    need.save()
    engine.full_pass()
    engine.full_pass()  # still paused: stays withdrawn
    assert Match.objects.get().status == MatchStatus.WITHDRAWN

    need.status = PostStatus.ACTIVE
    need.save()
    result = engine.incremental_pass(need_id=need.pk) if incremental else engine.full_pass()

    # The same row, proposed afresh (the coordinator checks it again), and the log says so.
    again = Match.objects.get()
    assert (again.pk, again.status, again.run_id) == (match.pk, MatchStatus.PROPOSED, result.run_id)
    assert again.decided_by_id is None and again.explanation["factors"]
    assert result.proposed == 1
    assert list(
        MatchTransition.objects.filter(match=again)
        .order_by("pk")
        .values_list("to_status", "actor_id")
    ) == [
        (MatchStatus.APPROVED, platform_coordinator.pk),
        (MatchStatus.WITHDRAWN, None),
        (MatchStatus.PROPOSED, None),
    ]
    assert engine.full_pass().proposed == 0  # and only once


def test_posts_past_valid_until_expire_and_their_proposals_are_withdrawn():
    offer = OfferFactory()
    need = NeedFactory()
    engine.full_pass()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    type(offer).objects.filter(pk=offer.pk).update(
        valid_from=yesterday - dt.timedelta(days=5), valid_until=yesterday
    )

    result = engine.full_pass()

    offer.refresh_from_db()
    assert offer.status == PostStatus.EXPIRED
    assert result.expired == 1
    assert Match.objects.get(offer=offer, need=need).status == MatchStatus.WITHDRAWN


def test_not_yet_valid_offers_are_not_proposed():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    OfferFactory(valid_from=tomorrow, valid_until=tomorrow + dt.timedelta(days=3))
    NeedFactory()

    engine.full_pass()

    assert proposed_pairs() == set()


def test_running_the_full_pass_twice_creates_nothing_new():
    OfferFactory(capacity=3)
    NeedFactory()
    NeedFactory()

    first = engine.full_pass()
    second = engine.full_pass()

    assert first.proposed == 2
    assert second.proposed == 0
    assert Match.objects.count() == 2


def test_each_match_explains_its_score_and_names_its_run():
    OfferFactory()
    NeedFactory(urgency=4)

    result = engine.full_pass()

    match = Match.objects.get()
    assert match.run_id == result.run_id
    assert match.explanation["factors"]["urgency"] == 1.0
    assert set(match.explanation["weights"]) == set(match.explanation["factors"])
    assert 0 < match.score <= 1
    run = MatchRun.objects.get(pk=result.run_id)
    assert run.proposed == 1 and run.finished_at and run.duration_s is not None


def test_a_pass_that_dies_half_way_leaves_nothing_and_the_next_one_does_the_work(monkeypatch):
    OfferFactory()
    NeedFactory()

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(engine, "_insert", crash)
    with pytest.raises(RuntimeError):
        engine.full_pass()
    assert Match.objects.count() == 0
    assert "worker killed" in MatchRun.objects.get().errors

    monkeypatch.undo()
    assert engine.full_pass().proposed == 1


def test_a_need_paused_while_the_pass_runs_gets_no_proposal_and_the_others_do(monkeypatch):
    OfferFactory(capacity=5)
    paused, waiting = NeedFactory(), NeedFactory()
    real_probe = engine._chunk_candidates

    def probe_then_pause(*args, **kwargs):
        found = real_probe(*args, **kwargs)
        Need.objects.filter(pk=paused.pk).update(status=PostStatus.PAUSED)
        return found

    monkeypatch.setattr(engine, "_chunk_candidates", probe_then_pause)
    result = engine.full_pass()

    assert {need_id for _, need_id in proposed_pairs()} == {waiting.pk}
    assert result.proposed == 1


def test_dry_run_returns_proposals_without_saving_them():
    OfferFactory()
    NeedFactory()

    result = engine.full_pass(dry_run=True)

    assert len(result.chosen) == 1
    assert Match.objects.count() == 0
    assert MatchRun.objects.count() == 0


def test_a_new_need_is_matched_right_after_it_is_posted(
    settings, refugee, django_capture_on_commit_callbacks
):
    offer = OfferFactory(languages=["uk"])
    settings.POMOC_MATCHING_ON_SAVE = "sync"

    with django_capture_on_commit_callbacks(execute=True):
        need = need_create(
            owner=refugee,
            category=category("clothes"),
            title="Winter coats for two children",
            place_name="Praha",
            languages=["uk"],
        )

    assert proposed_pairs() == {(offer.pk, need.pk)}
    assert MatchRun.objects.get().kind == "incremental"


def test_a_new_offer_is_matched_to_waiting_needs_in_its_subcategories():
    need = NeedFactory(category=category("clothes"))
    offer = OfferFactory(category=category("material-aid"))

    result = engine.incremental_pass(offer_id=offer.pk)

    assert result.proposed == 1
    assert proposed_pairs() == {(offer.pk, need.pk)}


def test_saving_a_post_queues_the_incremental_pass_by_task_name(
    settings, refugee, django_capture_on_commit_callbacks
):
    from django_q.models import OrmQ

    settings.POMOC_MATCHING_ON_SAVE = "async"
    with django_capture_on_commit_callbacks(execute=True):
        need = need_create(
            owner=refugee,
            category=category("clothes"),
            title="Shoes",
            place_name="Brno",
            languages=["uk"],
        )

    queued = [task.task for task in OrmQ.objects.all()]
    assert [(task["func"], task["args"]) for task in queued] == [
        ("matching.tasks.match_need", (need.pk,))
    ]


def test_withdrawals_are_in_the_audit_log_and_reach_approved_matches(platform_coordinator):
    from matching.lifecycle import match_approve
    from matching.models import MatchTransition
    from tests.factories import MatchFactory

    # Given one proposal and one approved match waiting for answers on the same need,
    need = NeedFactory()
    waiting = MatchFactory(need=need)
    match_approve(match=waiting, actor=platform_coordinator)
    proposed = MatchFactory(need=need)
    # when the need's owner withdraws it and the next pass runs,
    need.status = PostStatus.WITHDRAWN
    need.save()
    result = engine.full_pass()

    # both are withdrawn, and the log says the system did it and from which status.
    assert result.withdrawn == 2
    log = set(
        MatchTransition.objects.filter(to_status=MatchStatus.WITHDRAWN).values_list(
            "match_id", "from_status", "actor_id"
        )
    )
    assert log == {
        (waiting.pk, MatchStatus.APPROVED, None),
        (proposed.pk, MatchStatus.PROPOSED, None),
    }


def test_a_hidden_posts_proposals_leave_the_queue_and_are_withdrawn(platform_coordinator):
    from matching.selectors import match_queue_for
    from moderation.services import post_hide

    offer = OfferFactory()
    need = NeedFactory()
    engine.full_pass()
    assert match_queue_for(user=platform_coordinator).count() == 1

    post_hide(actor=platform_coordinator, post=offer, reason="spam")

    assert match_queue_for(user=platform_coordinator).count() == 0
    engine.full_pass()
    assert Match.objects.get(offer=offer, need=need).status == MatchStatus.WITHDRAWN


def test_a_big_flat_goes_to_the_big_family_and_a_small_room_to_the_couple():
    room = category("accommodation-long")
    flat = OfferFactory(category=room, capacity=6, location=east_of_praha(1))
    couple = NeedFactory(category=room, people_count=2)
    family = NeedFactory(category=room, people_count=6)

    engine.full_pass()

    # Six beds hold the family or the couple, not both: the snug fit wins.
    proposed = Match.objects.filter(status=MatchStatus.PROPOSED)
    assert set(proposed.values_list("offer_id", "need_id")) == {(flat.pk, family.pk)}
    assert proposed.get().explanation["factors"]["fit"] == 1.0

    small = OfferFactory(category=room, capacity=2, location=east_of_praha(1))
    engine.full_pass()
    pair = Match.objects.get(offer=small, need=couple)
    assert pair.explanation["factors"]["fit"] == 1.0


def _scene_with_many_full_offers() -> tuple[list, list]:
    """Offers near Prague, most of them full (approved matches hold their capacity), some with
    beds left, and needs around them: what a steady-state full pass meets."""
    offers, needs = [], []
    for km in range(12):
        offer = OfferFactory(location=east_of_praha(km * 1.5), capacity=1 + km % 2)
        if km % 3:
            for _ in range(offer.capacity):
                Match.objects.create(
                    offer=offer, need=NeedFactory(), score=1, status=MatchStatus.APPROVED
                )
        offers.append(offer)
    rooms = OfferFactory(category=category("accommodation"), capacity=4, location=east_of_praha(3))
    Match.objects.create(
        offer=rooms,
        need=NeedFactory(category=category("accommodation-short"), people_count=2),
        score=1,
        status=MatchStatus.APPROVED,
        units=2,
    )
    for km in (0.5, 4, 9, 14):
        needs.append(NeedFactory(location=east_of_praha(km)))
    for people in (1, 2, 3):
        needs.append(NeedFactory(category=category("accommodation-short"), people_count=people))
    return [*offers, rooms], needs


def test_a_pass_among_mostly_full_offers_proposes_what_the_same_pass_without_a_snapshot_does(
    monkeypatch, settings
):
    # Once many offers are full the probes read a snapshot of the open ones: the proposals
    # must be the same as when they walk past the full offers in offers_offer.
    settings.POMOC_MATCHING_CANDIDATES = 2
    _scene_with_many_full_offers()
    proposals = {}
    for share, name in ((0.0, "snapshot"), (float("inf"), "offers_offer")):
        monkeypatch.setattr(engine, "SNAPSHOT_FULL_SHARE", share)
        Match.objects.filter(status=MatchStatus.PROPOSED).delete()
        engine.full_pass()
        proposals[name] = set(
            Match.objects.filter(status=MatchStatus.PROPOSED).values_list(
                "offer_id", "need_id", "units"
            )
        )

    assert proposals["snapshot"] == proposals["offers_offer"]
    # Full offers are passed over for open ones further away, and the family of three gets
    # no room where only two beds are left.
    assert len(proposals["snapshot"]) >= 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('matching_open_offers')")
        assert cursor.fetchone()[0] is None  # the snapshot does not outlive its pass


def test_a_new_general_offer_reaches_needs_of_its_subcategories_in_its_own_pass():
    clothes_need = NeedFactory(category=category("clothes"))
    NeedFactory(category=category("transport"))
    food = OfferFactory(category=category("food"))
    general = OfferFactory(category=category("material-aid"))

    engine.incremental_pass(offer_id=food.pk)
    engine.incremental_pass(offer_id=general.pk)

    # Food serves no clothes need; a general material-aid offer serves every kind of it.
    assert proposed_pairs() == {(general.pk, clothes_need.pk)}
