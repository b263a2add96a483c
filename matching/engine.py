"""The one place where the database meets the matching algorithm.

A pass: expire posts past ``valid_until``, withdraw proposals whose offer or need is no longer
open, generate candidates in PostGIS (``candidates.py``), score them (``scoring.py``), choose
within the slots (``assignment.py``) and insert the chosen pairs with ``ON CONFLICT DO NOTHING``.

Safety: a full pass runs in one transaction holding a PostgreSQL advisory lock, so only one runs
at a time and a pass that dies half-way leaves nothing behind (the next one does the work). The
unique (offer, need) constraint and ``ON CONFLICT DO NOTHING`` make every pass idempotent, even
an incremental one racing a full one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from matching import candidates as candidate_sql
from matching.assignment import assign_greedy, assign_optimal
from matching.models import TAKEN_STATUSES, MatchRun, MatchStatus, RunKind
from matching.scoring import NeedData, OfferData, ScoredPair, explanation, score_pair
from needs.models import Need
from offers.models import Offer
from posts.models import Category
from posts.services import posts_expire

logger = logging.getLogger(__name__)

# pg_advisory lock key of the full pass: any constant, the same in every process.
FULL_PASS_LOCK = 4_711_001
# The full pass walks the needs in id chunks of this size (progress bar, bounded memory).
CHUNK_SIZE = 5_000

OPEN = MatchStatus.PROPOSED
TAKEN = TAKEN_STATUSES


@dataclass
class PassResult:
    run_id: int | None = None
    skipped: bool = False
    expired: int = 0
    withdrawn: int = 0
    needs_considered: int = 0
    candidates: int = 0
    proposed: int = 0
    algorithm: str = ""
    chosen: list[ScoredPair] = field(default_factory=list)


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86_400


def _fetch(sql: str, params: object) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _load_needs(ids: Iterable[int], now: dt.datetime) -> dict[int, NeedData]:
    rows = _fetch(
        "SELECT id, radius_km, remote, languages, urgency, created_at FROM needs_need "
        "WHERE id = ANY(%s)",
        [list(ids)],
    )
    return {
        row[0]: NeedData(
            id=row[0],
            radius_km=float(row[1]),
            remote=row[2],
            languages=frozenset(row[3]),
            urgency=row[4],
            waiting_days=_days(now - row[5]),
        )
        for row in rows
    }


def _load_offers(ids: Iterable[int], now: dt.datetime) -> dict[int, OfferData]:
    rows = _fetch(
        "SELECT o.id, o.radius_km, o.remote, o.languages, o.created_at, coalesce(org.verified, "
        "false) FROM offers_offer o LEFT JOIN accounts_organisation org "
        "ON org.id = o.organisation_id WHERE o.id = ANY(%s)",
        [list(ids)],
    )
    return {
        row[0]: OfferData(
            id=row[0],
            radius_km=float(row[1]),
            remote=row[2],
            languages=frozenset(row[3]),
            age_days=_days(now - row[4]),
            verified_organisation=row[5],
        )
        for row in rows
    }


def _offer_slots(offer_ids: Iterable[int] | None) -> dict[int, int]:
    """Free slots of active offers: at most PER_OFFER open proposals, never more than the
    capacity left after approved matches. ``None``: every active offer that has matches (the
    others have all their slots)."""
    per_offer = settings.POMOC_MATCHING_PER_OFFER
    where = "o.status = 'active'" + ("" if offer_ids is None else " AND o.id = ANY(%(ids)s)")
    join = "LEFT JOIN" if offer_ids is not None else "JOIN"
    rows = _fetch(
        f"""SELECT o.id, o.capacity,
                   count(m.id) FILTER (WHERE m.status = %(open)s),
                   count(m.id) FILTER (WHERE m.status = ANY(%(taken)s))
            FROM offers_offer o {join} matching_match m ON m.offer_id = o.id
            WHERE {where} GROUP BY o.id""",
        {"ids": list(offer_ids or []), "open": OPEN, "taken": [str(s) for s in TAKEN]},
    )
    return {
        offer_id: max(0, min(per_offer, capacity - taken) - open_count)
        for offer_id, capacity, open_count, taken in rows
    }


def _need_slots(need_ids: Iterable[int]) -> dict[int, int]:
    per_need = settings.POMOC_MATCHING_PER_NEED
    ids = list(need_ids)
    used = dict(
        _fetch(
            "SELECT need_id, count(*) FROM matching_match WHERE need_id = ANY(%s) "
            "AND status = ANY(%s) GROUP BY need_id",
            [ids, [str(OPEN), *(str(s) for s in TAKEN)]],
        )
    )
    return {need_id: max(0, per_need - used.get(need_id, 0)) for need_id in ids}


def _score(
    found: Sequence[candidate_sql.Candidate],
    needs: dict[int, NeedData],
    offers: dict[int, OfferData],
) -> list[ScoredPair]:
    weights = settings.POMOC_MATCHING_WEIGHTS
    return [
        score_pair(
            offer=offers[pair.offer_id],
            need=needs[pair.need_id],
            distance_km=pair.distance_km,
            weights=weights,
        )
        for pair in found
    ]


def _assign(
    pairs: list[ScoredPair], need_slots: dict[int, int], offer_slots: dict[int, int]
) -> tuple[list[ScoredPair], str]:
    if len(pairs) <= settings.POMOC_MATCHING_OPTIMAL_MAX_PAIRS:
        return assign_optimal(pairs, need_slots=need_slots, offer_slots=offer_slots), "optimal"
    return assign_greedy(pairs, need_slots=need_slots, offer_slots=offer_slots), "greedy"


def _insert(chosen: Sequence[ScoredPair], run_id: int | None) -> int:
    """Insert the chosen pairs in one statement, skipping any pair that already has a Match (in
    any status): that is what makes passes idempotent and concurrent passes harmless."""
    if not chosen:
        return 0
    weights = settings.POMOC_MATCHING_WEIGHTS
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO matching_match (offer_id, need_id, score, explanation, status, "
            "proposed_at, status_changed_at, run_id) "
            "SELECT offer_id, need_id, score, explanation, %s, now(), now(), %s "
            "FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::jsonb[]) "
            "AS chosen(offer_id, need_id, score, explanation) "
            "ORDER BY need_id, offer_id ON CONFLICT (offer_id, need_id) DO NOTHING",
            [
                OPEN,
                run_id,
                [pair.offer_id for pair in chosen],
                [pair.need_id for pair in chosen],
                [pair.score for pair in chosen],
                [json.dumps(explanation(pair, weights)) for pair in chosen],
            ],
        )
        return cursor.rowcount


def withdraw_stale(
    *, today: dt.date, offer_id: int | None = None, need_id: int | None = None
) -> int:
    """Withdraw proposals, and approved matches still waiting for answers, whose offer or need
    is closed, paused, hidden by a coordinator or no longer valid; each withdrawal goes into the
    audit log (actor: the system). Returns how many were withdrawn."""
    stale = (
        "{a}.status <> 'active' OR {a}.hidden_at IS NOT NULL OR {a}.valid_from > %(today)s "
        "OR ({a}.valid_until IS NOT NULL AND {a}.valid_until < %(today)s)"
    )
    scope = ""
    if offer_id is not None:
        scope = " AND old.offer_id = %(offer_id)s"
    if need_id is not None:
        scope = " AND old.need_id = %(need_id)s"
    with connection.cursor() as cursor:
        cursor.execute(
            # Joining the table to itself makes RETURNING see the status before the update.
            # EXISTS on primary keys: for one post this touches only its few matches.
            f"""WITH withdrawn AS (
                    UPDATE matching_match m SET status = %(withdrawn)s, status_changed_at = now()
                    FROM matching_match old
                    WHERE old.id = m.id AND old.status = ANY(%(waiting)s) {scope}
                      AND (EXISTS (SELECT 1 FROM offers_offer o
                                   WHERE o.id = old.offer_id AND ({stale.format(a="o")}))
                           OR EXISTS (SELECT 1 FROM needs_need n
                                      WHERE n.id = old.need_id AND ({stale.format(a="n")})))
                    RETURNING m.id, old.status AS from_status)
                INSERT INTO matching_matchtransition
                    (match_id, actor_id, from_status, to_status, reason, created_at)
                SELECT id, NULL, from_status, %(withdrawn)s, %(reason)s, now() FROM withdrawn""",
            {
                "today": today,
                "withdrawn": MatchStatus.WITHDRAWN,
                "waiting": [str(OPEN), str(MatchStatus.APPROVED)],
                "reason": "The offer or the need was closed, paused, hidden or expired.",
                "offer_id": offer_id,
                "need_id": need_id,
            },
        )
        return cursor.rowcount


def _finish(run: MatchRun, result: PassResult, started: float, errors: str = "") -> None:
    run.finished_at = timezone.now()
    run.duration_s = time.perf_counter() - started
    run.skipped = result.skipped
    run.expired = result.expired
    run.withdrawn = result.withdrawn
    run.needs_considered = result.needs_considered
    run.candidates = result.candidates
    run.proposed = result.proposed
    run.errors = errors
    run.save()


def _need_id_chunks() -> list[tuple[int, int]]:
    low, high = _fetch("SELECT min(id), max(id) FROM needs_need WHERE status = 'active'", [])[0]
    if low is None:
        return []
    return [(start, start + CHUNK_SIZE) for start in range(low, high + 1, CHUNK_SIZE)]


def full_pass(
    *,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PassResult:
    """Match every active need. Returns what was done; ``dry_run`` saves nothing (not even the
    run record) and returns the chosen pairs.

    ``progress(done, total)`` is called after each chunk of needs (for the command's bar).
    """
    started = time.perf_counter()
    result = PassResult()
    run = None if dry_run else MatchRun.objects.create(kind=RunKind.FULL)
    result.run_id = run.pk if run else None
    # Candidate chunks may run on several connections at once, which then see committed data
    # only: not when the caller holds a transaction (a test, or an outer atomic block).
    workers = 1 if connection.in_atomic_block else settings.POMOC_MATCHING_WORKERS
    try:
        with transaction.atomic():
            result = _full_pass_locked(result, dry_run=dry_run, progress=progress, workers=workers)
            if dry_run:
                transaction.set_rollback(True)
    except Exception:
        if run is not None:
            _finish(run, result, started, errors=traceback.format_exc())
        raise
    if run is not None:
        _finish(run, result, started)
    return result


def _chunk_candidates(
    id_range: tuple[int, int], *, today: dt.date, full_offers: list[int], largest_radius: int
) -> list[candidate_sql.Candidate]:
    try:
        return candidate_sql.offers_for_needs(
            today=today,
            need_ids=None,
            full_offer_ids=full_offers,
            limit=settings.POMOC_MATCHING_CANDIDATES,
            per_need=settings.POMOC_MATCHING_PER_NEED,
            per_offer=settings.POMOC_MATCHING_PER_OFFER,
            id_range=id_range,
            largest_radius=largest_radius,
        )
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # each worker thread opened its own connection


def _full_pass_locked(
    result: PassResult,
    *,
    dry_run: bool,
    progress: Callable[[int, int], None] | None,
    workers: int,
) -> PassResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FULL_PASS_LOCK])
        if not cursor.fetchone()[0]:
            logger.info("matching: another full pass holds the lock, skipping")
            result.skipped = True
            return result
    now = timezone.now()
    today = timezone.localdate()
    result.expired = posts_expire(Offer, today=today) + posts_expire(Need, today=today)
    result.withdrawn = withdraw_stale(today=today)

    full_offers = [offer_id for offer_id, slots in _offer_slots(None).items() if slots <= 0]
    chunks = _need_id_chunks()
    work = partial(
        _chunk_candidates,
        today=today,
        full_offers=full_offers,
        largest_radius=candidate_sql.max_radius("offers_offer"),
    )
    found: list[candidate_sql.Candidate] = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        # One worker: stay on this thread and its connection (and its transaction).
        results = pool.map(work, chunks) if workers > 1 else map(work, chunks)
        for index, chunk in enumerate(results, start=1):
            found.extend(chunk)
            if progress:
                progress(index, len(chunks))
    result.candidates = len(found)
    need_ids = {pair.need_id for pair in found}
    offer_ids = {pair.offer_id for pair in found}
    result.needs_considered = len(need_ids)
    pairs = _score(found, _load_needs(need_ids, now), _load_offers(offer_ids, now))
    chosen, result.algorithm = _assign(pairs, _need_slots(need_ids), _offer_slots(offer_ids))
    result.chosen = chosen
    if not dry_run:
        result.proposed = _insert(chosen, result.run_id)
    return result


def incremental_pass(*, offer_id: int | None = None, need_id: int | None = None) -> PassResult:
    """Match one offer or one need right after it was posted or changed, or withdraw its open
    proposals if it is no longer active and valid."""
    if (offer_id is None) == (need_id is None):
        raise ValueError("Give exactly one of offer_id and need_id.")
    started = time.perf_counter()
    result = PassResult()
    run = MatchRun.objects.create(kind=RunKind.INCREMENTAL)
    result.run_id = run.pk
    try:
        with transaction.atomic():
            _incremental(result, offer_id=offer_id, need_id=need_id)
    except Exception:
        _finish(run, result, started, errors=traceback.format_exc())
        raise
    _finish(run, result, started)
    return result


def _incremental(result: PassResult, *, offer_id: int | None, need_id: int | None) -> None:
    now = timezone.now()
    today = timezone.localdate()
    result.withdrawn = withdraw_stale(today=today, offer_id=offer_id, need_id=need_id)
    if offer_id is not None:
        offer = Offer.objects.filter(pk=offer_id).select_related("category").first()
        if offer is None:
            return
        category_ids = [offer.category_id]
        if offer.category.parent_id is None:
            category_ids += list(
                Category.objects.filter(parent_id=offer.category_id).values_list("id", flat=True)
            )
        found = candidate_sql.needs_for_offer(
            today=today,
            offer_id=offer_id,
            category_ids=category_ids,
            limit=settings.POMOC_MATCHING_CANDIDATES * settings.POMOC_MATCHING_PER_OFFER,
            per_need=settings.POMOC_MATCHING_PER_NEED,
        )
    else:
        found = candidate_sql.offers_for_needs(
            today=today,
            need_ids=[need_id],
            full_offer_ids=None,
            limit=settings.POMOC_MATCHING_CANDIDATES,
            per_need=settings.POMOC_MATCHING_PER_NEED,
            per_offer=settings.POMOC_MATCHING_PER_OFFER,
        )
    result.candidates = len(found)
    need_ids = {pair.need_id for pair in found}
    offer_ids = {pair.offer_id for pair in found}
    result.needs_considered = len(need_ids)
    pairs = _score(found, _load_needs(need_ids, now), _load_offers(offer_ids, now))
    chosen, result.algorithm = _assign(pairs, _need_slots(need_ids), _offer_slots(offer_ids))
    result.chosen = chosen
    result.proposed = _insert(chosen, result.run_id)


def proposal_counts() -> dict[str, int]:
    """How many matches are in each status (for the command's summary)."""
    return dict(_fetch("SELECT status, count(*) FROM matching_match GROUP BY status", []))
