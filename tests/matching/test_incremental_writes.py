"""What an incremental pass writes: its proposals through either insert path (a few pairs as
arrays, many through a temporary table) with the same rows, limits and audit log, and its run
record, kept with its error when the pass fails."""

from __future__ import annotations

import numpy as np
import pytest
import time_machine
from django.utils import timezone

from matching import engine
from matching.lifecycle import match_approve
from matching.models import Match, MatchRun, MatchStatus, MatchTransition, RunKind
from posts.models import PostStatus
from tests.factories import MatchFactory, NeedFactory, OfferFactory

pytestmark = pytest.mark.django_db

# ``INSERT_FEW_MAX`` for each path: every insert goes as arrays, or every one through the table.
PATHS = {"arrays": 10**6, "table": 0}


@pytest.fixture(params=sorted(PATHS))
def insert_path(request, monkeypatch) -> str:
    monkeypatch.setattr(engine, "INSERT_FEW_MAX", PATHS[request.param])
    return request.param


def written(match: Match) -> dict[str, object]:
    """What a pass writes into a proposal, without ids and times."""
    return {
        "status": match.status,
        "units": match.units,
        "score": match.score,
        "explanation": match.explanation,
        "decided_by": match.decided_by_id,
        "offer_response": match.offer_response,
        "need_response": match.need_response,
    }


def test_both_insert_paths_write_the_same_proposal():
    offer = OfferFactory(capacity=2)
    need = NeedFactory()
    proposals = {}
    # Frozen: the score counts how long the posts have waited.
    with time_machine.travel(timezone.now(), tick=False):
        for path, few_max in PATHS.items():
            Match.objects.all().delete()
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(engine, "INSERT_FEW_MAX", few_max)
                assert engine.incremental_pass(need_id=need.pk).proposed == 1
            proposals[path] = written(Match.objects.get(offer=offer, need=need))
    assert proposals["arrays"] == proposals["table"]
    assert proposals["arrays"]["explanation"]["factors"]


def test_a_resumed_need_gets_its_withdrawn_pair_again_in_its_old_row(
    insert_path, platform_coordinator
):
    OfferFactory()
    need = NeedFactory()
    engine.incremental_pass(need_id=need.pk)
    match = Match.objects.get()
    match_approve(match=match, actor=platform_coordinator)
    need.status = PostStatus.PAUSED
    need.save()
    assert engine.incremental_pass(need_id=need.pk).withdrawn == 1

    need.status = PostStatus.ACTIVE
    need.save()
    result = engine.incremental_pass(need_id=need.pk)

    again = Match.objects.get()
    assert (again.pk, again.status, again.run_id) == (match.pk, MatchStatus.PROPOSED, result.run_id)
    assert again.decided_by_id is None and again.explanation["factors"]
    assert result.proposed == 1
    assert list(
        MatchTransition.objects.filter(match=again)
        .order_by("pk")
        .values_list("to_status", "reason")
    )[1:] == [
        (MatchStatus.WITHDRAWN, MatchTransition.objects.get(to_status="withdrawn").reason),
        (MatchStatus.PROPOSED, "Both posts are open again: proposed again."),
    ]
    assert engine.incremental_pass(need_id=need.pk).proposed == 0  # and only once


def test_a_choice_made_before_another_pass_took_the_offer_is_dropped(insert_path):
    # Given a pass that chose the offer's last unit for this need (a dry run: chosen, not saved)
    offer = OfferFactory(capacity=1)
    need = NeedFactory()
    chosen = engine.full_pass(dry_run=True).chosen
    assert list(zip(chosen.offer_id, chosen.need_id, strict=True)) == [(offer.pk, need.pk)]
    # when another pass's match for another need took that unit before this one inserted,
    MatchFactory(offer=offer, need=NeedFactory(), status=MatchStatus.APPROVED, units=1)

    # then under the offer's lock the stale choice is dropped: the offer stays within capacity.
    assert engine._insert(chosen, np.ones(1, dtype=np.int64), run_id=None) == 0
    assert not Match.objects.filter(need=need).exists()


def test_a_choice_that_still_fits_is_inserted(insert_path):
    offer = OfferFactory(capacity=2)
    need = NeedFactory()
    chosen = engine.full_pass(dry_run=True).chosen
    MatchFactory(offer=offer, need=NeedFactory(), status=MatchStatus.APPROVED, units=1)

    assert engine._insert(chosen, np.ones(1, dtype=np.int64), run_id=None) == 1
    assert Match.objects.get(need=need).status == MatchStatus.PROPOSED


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_categories")
def test_an_incremental_pass_records_its_run_and_a_failed_one_its_error(monkeypatch):
    OfferFactory(capacity=5)
    need = NeedFactory()
    failing = NeedFactory()
    result = engine.incremental_pass(need_id=need.pk)
    run = MatchRun.objects.get(pk=result.run_id)
    assert (run.kind, run.proposed, run.errors) == (RunKind.INCREMENTAL, 1, "")
    assert run.finished_at is not None
    real_insert = engine._insert

    def insert_then_crash(chosen, units, *, run_id):
        real_insert(chosen, units, run_id=run_id)  # rows written, not yet committed
        raise RuntimeError("database went away")

    monkeypatch.setattr(engine, "_insert", insert_then_crash)
    with pytest.raises(RuntimeError):
        engine.incremental_pass(need_id=failing.pk)

    # The pass's work is rolled back; its run is saved, committed, with the error.
    assert not Match.objects.filter(need=failing).exists()
    failed = MatchRun.objects.exclude(pk=run.pk).get()
    assert failed.kind == RunKind.INCREMENTAL
    assert "database went away" in failed.errors
    assert failed.finished_at is not None
