"""The one place where the database meets the matching algorithm.

A pass: expire posts past ``valid_until``, withdraw proposals whose offer or need is no longer
open, generate candidates in PostGIS (``candidates.py``), score them (``scoring.py``), choose
within the slots (``assignment.py``) and insert the chosen pairs with ``ON CONFLICT DO NOTHING``.

Safety: a full pass holds a PostgreSQL advisory lock, so only one runs at a time. It commits in
steps (expiry and withdrawals; then the proposals of each group of root categories, whole), so a
pass that dies half-way leaves only complete, valid proposals, and the next pass does the rest.
The unique (offer, need) constraint and ``ON CONFLICT DO NOTHING`` make every pass idempotent,
even an incremental one racing a full one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Generic, TypeVar

import numpy as np
import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from matching import candidates as candidate_sql
from matching.assignment import UnitBudget, assign_units
from matching.models import (
    FRESH_PROPOSAL,
    HOLDING_STATUSES,
    REPOOLABLE_SQL,
    TAKEN_STATUSES,
    Match,
    MatchRun,
    MatchStatus,
    RunKind,
)
from matching.scoring import (
    FIT_BY_ROOT,
    NO_FIT,
    PARTIAL,
    WHOLE,
    PairInputs,
    ScoredPairs,
    explanation_columns,
    score_pairs,
)
from matching.workers import Workers
from needs.models import Need
from offers.models import Offer
from posts.services import posts_expire

logger = logging.getLogger(__name__)

# pg_advisory lock key of the full pass: any constant, the same in every process.
FULL_PASS_LOCK = 4_711_001
# The full pass walks the needs in id chunks of this size (progress bar, bounded memory).
CHUNK_SIZE = 2_500
# From this share of full offers among the active ones, a full pass probes a snapshot of the
# open offers (``candidates.open_offers_snapshot``) rather than walk past the full ones.
SNAPSHOT_FULL_SHARE = 0.1

OPEN = MatchStatus.PROPOSED
TAKEN = [str(status) for status in TAKEN_STATUSES]
HOLDING = [str(status) for status in HOLDING_STATUSES]


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
    chosen: ScoredPairs = field(default_factory=lambda: ScoredPairs.of([]))


T = TypeVar("T")


def _fetch(sql: str, params: object) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@dataclass(frozen=True)
class _Read(Generic[T]):
    """One read of a pass: its statement, and what makes its result of the rows."""

    sql: str
    params: object
    finish: Callable[[list[tuple]], T]

    def run(self) -> T:
        return self.finish(_fetch(self.sql, self.params))


def _run_together(reads: Sequence[_Read]) -> list[object]:
    """The reads' results, their statements sent together and answered in one round trip
    (psycopg's pipeline mode) in the caller's transaction. For the few posts of an incremental
    pass each read took about as long to reach the server and back as to run."""
    server = candidate_sql.preparing_connection()
    with server.pipeline():
        cursors = [psycopg.Cursor(server) for _ in reads]
        try:
            # Prepared once per connection, like the probes: planning these took about as long
            # as running them.
            for cursor, read in zip(cursors, reads, strict=True):
                cursor.execute(read.sql, _plain(read.params), prepare=True)
            rows = [cursor.fetchall() for cursor in cursors]
        finally:
            for cursor in cursors:
                cursor.close()
    return [read.finish(found) for read, found in zip(reads, rows, strict=True)]


def _columns_read(
    sql: str, params: object, names: Sequence[str], finish: Callable[[dict[str, np.ndarray]], T]
) -> _Read[T]:
    """The query's columns as arrays, rows sorted by the first column (the id), to ``finish``."""
    aggregated = ", ".join(f"array_agg({name})" for name in names)

    def columns(rows: list[tuple]) -> T:
        found = {name: np.array(values or []) for name, values in zip(names, rows[0], strict=True)}
        order = np.argsort(found[names[0]], kind="stable")
        return finish({name: values[order] for name, values in found.items()})

    return _Read(f"SELECT {aggregated} FROM ({sql}) AS rows({', '.join(names)})", params, columns)


# Bits of ``language_bits`` (migration 0007): the sign bit stands for languages outside the mask.
_LISTED_LANGUAGES = np.int64(0x7FFF_FFFF_FFFF_FFFF)


@dataclass(frozen=True)
class _Posts:
    """Attributes of the posts a pass scores, as arrays sorted by id."""

    columns: dict[str, np.ndarray]

    def rows(self, ids: np.ndarray) -> np.ndarray:
        """Positions of these ids, all of which must have been loaded (see ``has``)."""
        return np.searchsorted(self.columns["id"], ids)

    def has(self, ids: np.ndarray) -> np.ndarray:
        """Which of these ids were loaded: a post closed since the probes was not."""
        loaded = self.columns["id"]
        position = np.minimum(np.searchsorted(loaded, ids), max(len(loaded) - 1, 0))
        return (loaded[position] == ids) if len(loaded) else np.zeros(len(ids), dtype=bool)

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]


def _posts_read(table: str, ids: np.ndarray | None, now: dt.datetime) -> _Read[_Posts]:
    """The scoring data of these posts, or of every active one (``None``: a full pass, where
    spelling out the ids would cost more than reading a few posts too many)."""
    age = "extract(epoch FROM %(now)s - p.created_at)::float8"
    if table == "needs_need":
        extra = (
            ", p.urgency, p.category_root_id, root.slug, p.people_count,"
            f" coalesce((p.details->>'quantity')::int, 1), {age}"
        )
        join = "JOIN posts_category root ON root.id = p.category_root_id"
        names = (
            "urgency", "category_root_id", "root_slug", "people_count", "quantity", "waiting_days"
        )  # fmt: skip
    else:
        extra = f", p.capacity, coalesce(org.verified, false), {age}"
        join = "LEFT JOIN accounts_organisation org ON org.id = p.organisation_id"
        names = ("capacity", "verified_organisation", "age_days")

    def posts(columns: dict[str, np.ndarray]) -> _Posts:
        columns[names[-1]] = np.maximum(columns[names[-1]].astype(np.float64) / 86_400, 0.0)
        return _Posts(columns)

    return _columns_read(
        f"""SELECT p.id, p.radius_km, p.remote, p.language_bits {extra}
            FROM {table} p {join}
            WHERE {"p.status = 'active'" if ids is None else "p.id = ANY(%(ids)s)"}""",
        {"ids": [] if ids is None else ids.tolist(), "now": now},
        ("id", "radius_km", "remote", "language_bits", *names),
        posts,
    )


def _languages_of(table: str, ids: np.ndarray) -> dict[int, frozenset[str]]:
    rows = _fetch(f"SELECT id, languages FROM {table} WHERE id = ANY(%s)", [ids.tolist()])
    return {post_id: frozenset(languages) for post_id, languages in rows}


def _language_counts(
    found: candidate_sql.Candidates, need_bits: np.ndarray, offer_bits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For each pair, how many languages the two share and how many the need speaks: counted
    on the bitmasks, and from the arrays only where a language outside the mask is involved."""
    both = need_bits & offer_bits
    shared = np.bitwise_count(both & _LISTED_LANGUAGES).astype(np.float64)
    spoken = np.bitwise_count(need_bits & _LISTED_LANGUAGES).astype(np.float64)
    rare_need = np.flatnonzero(need_bits < 0)
    if len(rare_need):
        needs = _languages_of("needs_need", np.unique(found.need_id[rare_need]))
        rare_pair = np.flatnonzero(both < 0)
        offers = _languages_of("offers_offer", np.unique(found.offer_id[rare_pair]))
        for position in rare_need.tolist():
            spoken[position] = len(needs[int(found.need_id[position])])
        for position in rare_pair.tolist():
            common = needs[int(found.need_id[position])] & offers[int(found.offer_id[position])]
            shared[position] = len(common)
    return shared, spoken


def _need_units(needs: _Posts, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each need's fit kind and how many units it takes: its people where the need must fit in
    one offer (beds, seats), its quantity where several offers may cover it (items), else 1."""
    slugs = needs["root_slug"].tolist()  # per loaded need, then per pair
    kinds = np.fromiter((FIT_BY_ROOT.get(slug, NO_FIT) for slug in slugs), np.int64, len(slugs))
    kind = kinds[rows]
    units = np.where(
        kind == WHOLE,
        needs["people_count"][rows],
        np.where(kind == PARTIAL, needs["quantity"][rows], 1),
    ).astype(np.float64)
    return kind, units


def _score(found: candidate_sql.Candidates, needs: _Posts, offers: _Posts) -> ScoredPairs:
    need, offer = needs.rows(found.need_id), offers.rows(found.offer_id)
    fit_kind, need_units = _need_units(needs, need)
    shared, spoken = _language_counts(
        found,
        needs["language_bits"][need].astype(np.int64),
        offers["language_bits"][offer].astype(np.int64),
    )
    inputs = PairInputs(
        need_id=found.need_id,
        offer_id=found.offer_id,
        distance_km=found.distance_km,
        offer_radius_km=offers["radius_km"][offer].astype(np.float64),
        need_radius_km=needs["radius_km"][need].astype(np.float64),
        offer_remote=offers["remote"][offer].astype(bool),
        need_remote=needs["remote"][need].astype(bool),
        shared_languages=shared,
        need_languages=spoken,
        urgency=needs["urgency"][need].astype(np.float64),
        waiting_days=needs["waiting_days"][need],
        offer_age_days=offers["age_days"][offer],
        verified_organisation=offers["verified_organisation"][offer].astype(bool),
        need_units=need_units,
        offer_units=offers["capacity"][offer].astype(np.float64),
        fit_kind=fit_kind,
    )
    return score_pairs(inputs, settings.POMOC_MATCHING_WEIGHTS)


@dataclass(frozen=True)
class _OffersInUse:
    """The active offers that have open or held matches: their free proposal slots and their
    free units (capacity less the units of those matches), and which of them count beds or
    seats (one per person of a need: only for those may a need with a slot not fit)."""

    slots: dict[int, int]
    room: dict[int, int]
    per_person: frozenset[int] = frozenset()


def _offer_slots_used(offer_ids: Iterable[int] | None = None) -> _OffersInUse:
    """Free slots and units of the active offers that already have open or held matches: at most
    PER_OFFER open proposals, never more proposals than units left, units counted as the sum of
    ``Match.units`` in SQL. The others have ``min(PER_OFFER, capacity)`` slots and their whole
    capacity. ``None``: every such offer."""
    return _offer_slots_read(offer_ids).run()


def _offer_slots_read(offer_ids: Iterable[int] | None = None) -> _Read[_OffersInUse]:
    per_offer = settings.POMOC_MATCHING_PER_OFFER
    where = "" if offer_ids is None else " AND o.id = ANY(%(ids)s)"

    def in_use(rows: list[tuple]) -> _OffersInUse:
        slots, room, per_person = {}, {}, set()
        for offer_id, capacity, open_count, held, counts_people in rows:
            room[offer_id] = max(0, capacity - held)
            slots[offer_id] = max(0, min(per_offer - open_count, room[offer_id]))
            if counts_people:
                per_person.add(offer_id)
        return _OffersInUse(slots, room, frozenset(per_person))

    return _Read(
        f"""SELECT o.id, o.capacity, count(*) FILTER (WHERE m.status = %(open)s), sum(m.units),
                   {candidate_sql.PER_PERSON_OFFER}
            FROM offers_offer o JOIN matching_match m ON m.offer_id = o.id
            WHERE o.status = 'active' AND m.status = ANY(%(holding)s){where} GROUP BY o.id""",
        {"ids": list(offer_ids or []), "open": OPEN, "holding": HOLDING},
        in_use,
    )


def _offer_slots(offers: _Posts, used: _OffersInUse) -> dict[int, int]:
    """Free slots of the loaded offers, given those of the offers in use."""
    free = np.minimum(settings.POMOC_MATCHING_PER_OFFER, offers["capacity"])
    slots = dict(zip(offers["id"].tolist(), free.tolist(), strict=True))
    slots.update((offer_id, used.slots[offer_id]) for offer_id in used.slots.keys() & slots.keys())
    return slots


def _offer_room(offers: _Posts, used: _OffersInUse) -> dict[int, int]:
    """Free units of the loaded offers: their capacity, less what the offers in use hold."""
    room = dict(zip(offers["id"].tolist(), offers["capacity"].tolist(), strict=True))
    room.update((offer_id, used.room[offer_id]) for offer_id in used.room.keys() & room.keys())
    return room


_NEED_USE = f"""
    SELECT n.id, {candidate_sql.PARTIAL_NEED.format(n="n")},
           {candidate_sql.NEED_UNITS.format(n="n")},
           count(m.id) FILTER (WHERE m.status = %(open)s), count(m.id),
           coalesce(sum(m.units) FILTER (WHERE m.status <> %(open)s), 0)
    FROM needs_need n
    LEFT JOIN matching_match m ON m.need_id = n.id AND m.status = ANY(%(holding)s)
    WHERE {{scope}}
    GROUP BY n.id
"""


def _need_slots_read(
    need_ids: np.ndarray, *, everything: bool = False
) -> _Read[tuple[dict[int, int], UnitBudget]]:
    """Free proposal slots of these needs, and the units a match of each takes.

    A need one offer serves (a room, a lift, a session) has PER_NEED less its open and held
    matches, and takes its whole demand (posts/units.py). A need several offers may fill
    (material aid) has PER_NEED less its open proposals while its held matches (approved and
    on) leave some of its quantity uncovered, and none once covered; each proposal takes what
    the need still lacks, up to what its offer has left. Its proposals are alternatives too:
    approving one lowers what the others may take (``matching.lifecycle``).
    ``everything``: read all active needs rather than spell out the ids (a full pass)."""
    per_need = settings.POMOC_MATCHING_PER_NEED
    scope = "n.status = 'active'" if everything else "n.id = ANY(%(ids)s)"
    wanted = set(need_ids.tolist())

    def need_slots(rows: list[tuple]) -> tuple[dict[int, int], UnitBudget]:
        slots: dict[int, int] = {}
        units: dict[int, int] = {}
        partial: set[int] = set()
        for need_id, is_partial, demand, open_count, held_count, taken_units in rows:
            if need_id not in wanted:
                continue
            if is_partial:
                partial.add(need_id)
                units[need_id] = demand - taken_units
                slots[need_id] = max(0, per_need - open_count) if taken_units < demand else 0
            else:
                units[need_id] = demand
                slots[need_id] = max(0, per_need - held_count)
        budget = UnitBudget(need_units=units, offer_room={}, partial_needs=frozenset(partial))
        return slots, budget

    return _Read(
        _NEED_USE.format(scope=scope),
        {"ids": need_ids.tolist(), "open": OPEN, "holding": HOLDING},
        need_slots,
    )


# What the chosen offers hold now: for a few pairs (an incremental pass) per offer from the
# (offer, status) index; for many (a full pass) in one hash join over the holding matches.
_HELD_COLUMNS = (
    "m.offer_id, o.capacity, count(*) FILTER (WHERE m.status = %(open)s) AS open_count, "
    "sum(m.units) AS units"
)
_HELD_BY_FEW = f"""
    SELECT {_HELD_COLUMNS}
    FROM (SELECT DISTINCT offer_id FROM matching_chosen) c
    JOIN offers_offer o ON o.id = c.offer_id
    JOIN matching_match m ON m.offer_id = c.offer_id AND m.status = ANY(%(holding)s)
    GROUP BY m.offer_id, o.capacity
"""
_HELD_BY_MANY = f"""
    SELECT {_HELD_COLUMNS}
    FROM matching_match m JOIN offers_offer o ON o.id = m.offer_id
    WHERE m.status = ANY(%(holding)s) AND m.offer_id IN (SELECT offer_id FROM matching_chosen)
    GROUP BY m.offer_id, o.capacity
"""


def _proposal_sql(
    chosen: ScoredPairs, units: np.ndarray, *, run_id: int | None
) -> tuple[dict[str, np.ndarray], dict[str, str], str, str, dict[str, object]]:
    """What both insert paths write: the chosen pairs' columns and their SQL types, the SQL of
    a proposal's explanation (from the columns of a row ``c``) and of the fields a revived
    proposal starts afresh, and the statements' parameters."""
    columns = {
        "offer_id": chosen.offer_id,
        "need_id": chosen.need_id,
        "units": units,
        "score": chosen.score,
    }
    columns |= {f"explained_{name}": values for name, values in explanation_columns(chosen).items()}
    types = {
        name: "bigint" if name.endswith("_id") or name == "units" else "float8" for name in columns
    }
    factors = ", ".join(f"'{name}', c.explained_{name}" for name in chosen.factors)
    explained = (
        f"jsonb_build_object('factors', jsonb_build_object({factors}), "
        "'weights', %(weights)s::jsonb, 'distance_km', c.explained_distance_km)"
    )
    fresh = ", ".join(
        f"{Match._meta.get_field(name).column} = %(fresh_{name})s" for name in FRESH_PROPOSAL
    )
    weights = settings.POMOC_MATCHING_WEIGHTS
    params = {
        "weights": json.dumps({name: weights.get(name, 0.0) for name in chosen.factors}),
        "open": OPEN,
        "withdrawn": MatchStatus.WITHDRAWN,
        "run": run_id,
        "reason": "Both posts are open again: proposed again.",
        "repooled": "Back in the pool after no coordinator decided in time: proposed again.",
        "holding": HOLDING,
        "per_offer": settings.POMOC_MATCHING_PER_OFFER,
        **{f"fresh_{name}": value for name, value in FRESH_PROPOSAL.items()},
    }
    return columns, types, explained, fresh, params


def _insert(chosen: ScoredPairs, units: np.ndarray, *, run_id: int | None) -> int:
    """Write the chosen pairs as proposals, each holding its ``units`` of its offer's capacity;
    returns how many.

    The chosen offers' rows are locked first (in id order), and the pairs that no longer fit
    what an offer has left are dropped: a pass racing another (an incremental pass for a new
    need while a full pass inserts) chose from what it read before the other committed, so only
    under the lock is "open proposals ≤ PER_OFFER and units held ≤ capacity" sure to hold. A
    match being approved locks the same row (``matching.lifecycle``).

    A pair the engine once withdrew (its offer or need was closed, paused, hidden or expired,
    and is open again), or whose proposal expired before a coordinator decided (back in the
    pool), is proposed again in its old row, with the step in the audit log. Any
    other pair that already has a Match is skipped: that is what makes passes idempotent and
    concurrent passes harmless.

    The pairs are copied into a temporary table first (COPY moves 150 000 rows in a fraction of
    a second where query parameters would spell them out as text), and PostgreSQL builds each
    explanation from the rounded columns. A few pairs (an incremental pass) go as arrays
    instead (``_insert_few``)."""
    if not len(chosen):
        return 0
    if len(chosen) <= INSERT_FEW_MAX:
        return _insert_few(chosen, units, run_id=run_id)
    columns, types, explained, fresh, params = _proposal_sql(chosen, units, run_id=run_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE matching_chosen ("
            + ", ".join(f"{name} {kind}" for name, kind in types.items())
            + ")"
        )
        with cursor.cursor.copy(
            f"COPY matching_chosen ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(list(types.values()))
            for row in zip(*(values.tolist() for values in columns.values()), strict=True):
                copy.write_row(row)
        cursor.execute(
            "SELECT 1 FROM offers_offer WHERE id IN (SELECT offer_id FROM matching_chosen) "
            "ORDER BY id FOR NO KEY UPDATE"
        )
        held = _HELD_BY_FEW if len(chosen) <= 1000 else _HELD_BY_MANY
        cursor.execute(
            # Best first within each offer, a pair stays while the offer's open proposals and
            # the units before it (its own included) fit what the offer has free now. Only
            # offers holding something can have changed since the pass read them (the chosen
            # pairs of an offer fit its capacity then), so only their pairs are walked.
            f"""WITH held AS MATERIALIZED ({held}),
                late AS (
                    SELECT f.offer_id, f.need_id FROM (
                        SELECT c.offer_id, c.need_id, held.capacity - held.units AS room,
                               %(per_offer)s - held.open_count AS slots,
                               sum(c.units) OVER ahead AS units_so_far,
                               row_number() OVER ahead AS nth
                        FROM matching_chosen c JOIN held ON held.offer_id = c.offer_id
                        WINDOW ahead AS (PARTITION BY c.offer_id
                                         ORDER BY c.score DESC, c.need_id
                                         ROWS UNBOUNDED PRECEDING)) f
                    WHERE f.units_so_far > f.room OR f.nth > f.slots)
                DELETE FROM matching_chosen c USING late
                WHERE c.offer_id = late.offer_id AND c.need_id = late.need_id""",
            params,
        )
        cursor.execute(
            # Rows locked in one order (as the INSERT below takes them), so a pass racing
            # another over the same pairs waits instead of deadlocking.
            f"""WITH locked AS (
                    SELECT m.id, m.status AS old_status, c.* FROM matching_match m
                    JOIN matching_chosen c ON m.offer_id = c.offer_id AND m.need_id = c.need_id
                    WHERE {REPOOLABLE_SQL}
                    ORDER BY m.need_id, m.offer_id FOR UPDATE OF m),
                revived AS (
                    UPDATE matching_match m
                    SET status = %(open)s, score = c.score, units = c.units,
                        explanation = {explained},
                        proposed_at = now(), status_changed_at = now(), run_id = %(run)s,
                        {fresh}
                    FROM locked c
                    WHERE m.id = c.id AND {REPOOLABLE_SQL}
                    RETURNING m.id, c.old_status)
                INSERT INTO matching_matchtransition
                    (match_id, actor_id, from_status, to_status, reason, created_at)
                SELECT id, NULL, old_status, %(open)s,
                       CASE WHEN old_status = %(withdrawn)s THEN %(reason)s
                            ELSE %(repooled)s END,
                       now()
                FROM revived""",
            params,
        )
        revived = cursor.rowcount
        cursor.execute(
            "INSERT INTO matching_match (offer_id, need_id, units, score, explanation, status, "
            "proposed_at, status_changed_at, run_id) "
            f"SELECT c.offer_id, c.need_id, c.units, c.score, {explained}, %(open)s, now(), now(), "
            "%(run)s FROM matching_chosen c "
            "ORDER BY c.need_id, c.offer_id ON CONFLICT (offer_id, need_id) DO NOTHING",
            params,
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE matching_chosen")
        return revived + inserted


# Up to this many chosen pairs, ``_insert`` passes them as arrays (``_insert_few``) rather than
# through a temporary table, whose CREATE and DROP write the system catalog.
INSERT_FEW_MAX = 200


def _insert_few(chosen: ScoredPairs, units: np.ndarray, *, run_id: int | None) -> int:
    """``_insert`` for a few pairs, with its guarantees, in two statements: the chosen offers'
    rows are locked (in id order), and then, in a statement that starts once the locks are held
    (so it sees what a racing pass committed), the pairs that no longer fit are dropped,
    withdrawn or repooled pairs are proposed again in their old rows (with their audit step)
    and the rest inserted.
    The pairs come as arrays (``unnest``), and PostgreSQL builds each explanation as
    ``_insert`` does."""
    arrays, types, explained, fresh, params = _proposal_sql(
        chosen, units.astype(np.int64), run_id=run_id
    )
    columns = {name: values.tolist() for name, values in arrays.items()}
    params |= {
        **{f"column_{name}": values for name, values in columns.items()},
        "offer_ids": sorted(set(columns["offer_id"])),
    }
    unnested = ", ".join(f"%(column_{name})s::{kind}[]" for name, kind in types.items())
    # Prepared, as planning the statement below costs more than running it for a few pairs.
    params = _plain(params)
    with candidate_sql.preparing_cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM offers_offer WHERE id = ANY(%(offer_ids)s::bigint[]) ORDER BY id "
            "FOR NO KEY UPDATE",
            params,
            prepare=True,
        )
        cursor.execute(
            # The same steps as ``_insert``'s statements, as parts of one.
            f"""WITH chosen AS MATERIALIZED (
                    SELECT * FROM unnest({unnested}) AS c({", ".join(columns)})),
                held AS MATERIALIZED (
                    SELECT {_HELD_COLUMNS}
                    FROM offers_offer o
                    JOIN matching_match m ON m.offer_id = o.id AND m.status = ANY(%(holding)s)
                    WHERE o.id = ANY(%(offer_ids)s::bigint[])
                    GROUP BY m.offer_id, o.capacity),
                kept AS MATERIALIZED (
                    SELECT f.* FROM (
                        SELECT c.*, held.capacity - held.units AS room,
                               %(per_offer)s - held.open_count AS slots,
                               sum(c.units) OVER ahead AS units_so_far,
                               row_number() OVER ahead AS nth
                        FROM chosen c LEFT JOIN held ON held.offer_id = c.offer_id
                        WINDOW ahead AS (PARTITION BY c.offer_id
                                         ORDER BY c.score DESC, c.need_id
                                         ROWS UNBOUNDED PRECEDING)) f
                    WHERE f.room IS NULL OR (f.units_so_far <= f.room AND f.nth <= f.slots)),
                locked AS (
                    SELECT m.id, m.status AS old_status, c.* FROM matching_match m
                    JOIN kept c ON m.offer_id = c.offer_id AND m.need_id = c.need_id
                    WHERE {REPOOLABLE_SQL}
                    ORDER BY m.need_id, m.offer_id FOR UPDATE OF m),
                revived AS (
                    UPDATE matching_match m
                    SET status = %(open)s, score = c.score, units = c.units,
                        explanation = {explained},
                        proposed_at = now(), status_changed_at = now(), run_id = %(run)s,
                        {fresh}
                    FROM locked c
                    WHERE m.id = c.id AND {REPOOLABLE_SQL}
                    RETURNING m.id, c.old_status),
                logged AS (
                    INSERT INTO matching_matchtransition
                        (match_id, actor_id, from_status, to_status, reason, created_at)
                    SELECT id, NULL, old_status, %(open)s,
                           CASE WHEN old_status = %(withdrawn)s THEN %(reason)s
                                ELSE %(repooled)s END,
                           now()
                    FROM revived
                    RETURNING 1),
                inserted AS (
                    INSERT INTO matching_match (offer_id, need_id, units, score, explanation,
                                                status, proposed_at, status_changed_at, run_id)
                    SELECT c.offer_id, c.need_id, c.units, c.score, {explained}, %(open)s, now(),
                           now(), %(run)s::bigint
                    FROM kept c
                    ORDER BY c.need_id, c.offer_id
                    ON CONFLICT (offer_id, need_id) DO NOTHING
                    RETURNING 1)
                SELECT (SELECT count(*) FROM logged) + (SELECT count(*) FROM inserted)""",
            params,
            prepare=True,
        )
        return cursor.fetchone()[0]


def _plain(params: dict[str, object]) -> dict[str, object]:
    """The parameters with choices (``MatchStatus``...) as the plain strings they stand for: a
    cursor that binds on the server would otherwise send an enum member's name."""
    return {name: str(value) if isinstance(value, str) else value for name, value in params.items()}


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
    # A host whose verification was withdrawn, in a category that vets hosts.
    unvetted = (
        " OR (o.host_verified_at IS NULL AND EXISTS (SELECT 1 FROM posts_category c"
        " WHERE c.needs_verification AND c.id IN (o.category_id, o.category_root_id)))"
    )
    scope = ""
    if offer_id is not None:
        scope = " AND old.offer_id = %(offer_id)s"
    if need_id is not None:
        scope = " AND old.need_id = %(need_id)s"
    # For one post (an incremental pass, a post closed or hidden), prepared: planning the
    # statement took several times as long as running it.
    one_post = bool(scope)
    with candidate_sql.preparing_cursor() if one_post else connection.cursor() as cursor:
        cursor.execute(
            # Joining the table to itself makes RETURNING see the status before the update.
            # EXISTS on primary keys: for one post this touches only its few matches.
            f"""WITH withdrawn AS (
                    UPDATE matching_match m SET status = %(withdrawn)s, status_changed_at = now()
                    FROM matching_match old
                    WHERE old.id = m.id AND old.status = ANY(%(waiting)s) {scope}
                      AND (EXISTS (SELECT 1 FROM offers_offer o
                                   WHERE o.id = old.offer_id AND ({stale.format(a="o")}{unvetted}))
                           OR EXISTS (SELECT 1 FROM needs_need n
                                      WHERE n.id = old.need_id AND ({stale.format(a="n")})))
                    RETURNING m.id, old.status AS from_status)
                INSERT INTO matching_matchtransition
                    (match_id, actor_id, from_status, to_status, reason, created_at)
                SELECT id, NULL::bigint, from_status, %(withdrawn)s, %(reason)s, now()
                FROM withdrawn""",
            _plain(
                {
                    "today": today,
                    "withdrawn": MatchStatus.WITHDRAWN,
                    "waiting": [str(OPEN), str(MatchStatus.APPROVED)],
                    "reason": "The offer or the need was closed, paused, hidden or expired, "
                    "or the host is no longer verified.",
                    "offer_id": offer_id,
                    "need_id": need_id,
                }
            ),
            **({"prepare": True} if one_post else {}),
        )
        return cursor.rowcount


def _finish(
    run: MatchRun, result: PassResult, started: float, errors: str = "", *, insert: bool = False
) -> None:
    """Complete the run record and save it (``insert``: as a new row under its preset id)."""
    run.finished_at = timezone.now()
    run.duration_s = time.perf_counter() - started
    run.skipped = result.skipped
    run.expired = result.expired
    run.withdrawn = result.withdrawn
    run.needs_considered = result.needs_considered
    run.candidates = result.candidates
    run.proposed = result.proposed
    run.errors = errors
    run.save(force_insert=insert)


def _active_offer_count() -> int:
    return _fetch("SELECT count(*) FROM offers_offer WHERE status = 'active'", [])[0][0]


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
    # Several connections see committed data only: not when the caller holds a transaction (a
    # test, or an outer atomic block), and not for a dry run, which rolls everything back.
    workers = 1 if connection.in_atomic_block or dry_run else settings.POMOC_MATCHING_WORKERS
    try:
        with _full_pass_lock() as locked:
            if not locked:
                logger.info("matching: another full pass holds the lock, skipping")
                result.skipped = True
            elif dry_run:
                with transaction.atomic():
                    _full_pass(result, dry_run=True, progress=progress, workers=workers)
                    transaction.set_rollback(True)
            else:
                _runs_interrupted(before=run)
                _full_pass(result, dry_run=False, progress=progress, workers=workers)
    except Exception:
        if run is not None:
            _finish(run, result, started, errors=traceback.format_exc())
        raise
    if run is not None:
        _finish(run, result, started)
    return result


INTERRUPTED = (
    "Interrupted: the process running this pass ended before it finished (killed, or its "
    "machine lost). Its proposals committed so far stand; the next full pass did the rest."
)


def _runs_interrupted(*, before: MatchRun) -> int:
    """Record as interrupted the full passes that never finished: only the holder of the lock
    runs a full pass, and a pass whose process died (``kill -9``, a lost machine) lost its
    lock with its connection but left its run open. A pass created just before this one and
    about to find the lock taken is marked too, and clears the mark when it records its skip."""
    return (
        MatchRun.objects.filter(
            kind=RunKind.FULL, finished_at__isnull=True, started_at__lte=before.started_at
        )
        .exclude(pk=before.pk)
        .update(errors=INTERRUPTED)
    )


@contextmanager
def _full_pass_lock() -> Iterator[bool]:
    """The advisory lock that lets one full pass run at a time. Held by the session, not the
    transaction, because a pass commits in steps; a pass whose process dies loses its session
    and with it the lock. Inside the caller's transaction (a test, an outer atomic block) the
    pass commits nothing itself, so the lock is the transaction's and ends with it, even if the
    pass fails."""
    in_transaction = connection.in_atomic_block
    with connection.cursor() as cursor:
        if in_transaction:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FULL_PASS_LOCK])
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [FULL_PASS_LOCK])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked and not in_transaction:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [FULL_PASS_LOCK])


def _full_pass(
    result: PassResult,
    *,
    dry_run: bool,
    progress: Callable[[int, int], None] | None,
    workers: int,
) -> None:
    """The steps of a full pass, each committed on its own when not inside a transaction: posts
    expire and stale proposals are withdrawn first, so the candidates (read by several
    connections) see that; then the workers insert the proposals of each group of categories
    while the next group is being assigned."""
    now = timezone.now()
    today = timezone.localdate()
    probe = partial(_chunk_candidates, today=today, full_offers=[], offer_room={})
    with Workers(workers, warm_up=partial(probe, (0, 0))) as pool:
        # Withdrawals free room: the triggers list the posts they free at once (one set-based
        # refresh for the statement), so that no incremental pass misses them meanwhile.
        with transaction.atomic():
            result.expired = posts_expire(Offer, today=today) + posts_expire(Need, today=today)
            result.withdrawn = withdraw_stale(today=today)
            used = _offer_slots_used()
            full_offers = [offer_id for offer_id, slots in used.slots.items() if slots <= 0]
            # The others in use have less than their capacity free: the probes check that a
            # need fits what is left (candidates._FITS_UNITS). Only beds and seats matter there:
            # any other need takes one unit, which an offer with a slot has.
            room = {
                offer_id: used.room[offer_id]
                for offer_id in used.per_person.difference(full_offers)
            }
            # Once many offers are full, the probes read a snapshot of the open ones
            # (``candidates.open_offers_snapshot``). Otherwise the full offers go into the room
            # map with nothing left, rather than into an ``id <> ALL(array)`` filter: PostgreSQL
            # compares a bound array element by element on every probed row (a steady-state
            # pass with 460 000 full offers took hours), while a jsonb key lookup is a binary
            # search. Serialised once for every chunk.
            snapshot = bool(full_offers) and (
                len(full_offers) >= SNAPSHOT_FULL_SHARE * _active_offer_count()
            )
            if snapshot:
                candidate_sql.open_offers_snapshot(full_offers)
            else:
                room.update(dict.fromkeys(full_offers, 0))
            room_json = candidate_sql.room_json(room)
            chunks = _need_id_chunks()
        probes = [
            partial(
                _chunk_candidates,
                chunk,
                today=today,
                full_offers=[],
                offer_room=room_json,
                offers_table=candidate_sql.OPEN_OFFERS if snapshot else "offers_offer",
            )
            for chunk in chunks
        ]
        try:
            found = candidate_sql.Candidates.concatenate(
                pool.map(probes, done=partial(progress, total=len(chunks)) if progress else None)
            )
        finally:
            if snapshot:
                candidate_sql.drop_open_offers()
        result.proposed = _propose(
            result,
            found,
            now=now,
            offers_used=used,
            every_post=True,
            pool=pool,
            save=None if dry_run else partial(_insert_atomic, run_id=result.run_id),
        )
        # The posts with room as the proposals left them (the inserts skipped the triggers).
        synced = sum(pool.map(candidate_sql.rooms_sync()))
        logger.info("matching: %d rows of the posts with room brought up to date", synced)


def _insert_atomic(chosen: ScoredPairs, units: np.ndarray, *, run_id: int | None) -> int:
    with _bulk_writes():
        return _insert(chosen, units, run_id=run_id)


@contextmanager
def _bulk_writes() -> Iterator[None]:
    """A transaction whose writes to matches skip the per-post triggers of the posts with room
    (``candidates.BULK_WRITES``), when it is the pass's own: in a caller's transaction (a test,
    a dry run) the setting would outlive the pass, so the triggers run there."""
    own = not connection.in_atomic_block
    with transaction.atomic():
        if own:
            with connection.cursor() as cursor:
                cursor.execute(candidate_sql.BULK_WRITES)
        yield


def _chunk_candidates(
    id_range: tuple[int, int],
    *,
    today: dt.date,
    full_offers: list[int],
    offer_room: Mapping[int, int] | str = "{}",
    offers_table: str = "offers_offer",
) -> candidate_sql.Candidates:
    return candidate_sql.offers_for_needs(
        today=today,
        need_ids=None,
        full_offer_ids=full_offers,
        limit=settings.POMOC_MATCHING_CANDIDATES,
        per_need=settings.POMOC_MATCHING_PER_NEED,
        per_offer=settings.POMOC_MATCHING_PER_OFFER,
        id_range=id_range,
        offer_room=offer_room,
        offers_table=offers_table,
    )


def _propose(
    result: PassResult,
    found: candidate_sql.Candidates,
    *,
    now: dt.datetime,
    offers_used: _OffersInUse | None = None,
    every_post: bool = False,
    pool: Workers | None = None,
    save: Callable[[ScoredPairs, np.ndarray], int] | None = None,
) -> int:
    """Score the candidates, choose within the slots (``result.chosen``) and ``save`` the chosen
    pairs; returns how many were saved.

    ``offers_used``: the slots of offers in use, if known (else read for these offers);
    ``every_post``: read every active post at once (a full pass) rather than list the ids. Offers
    and needs of different root categories never meet, so the assignment is solved per group of
    roots, largest first, each group on a worker that then saves it: the min-cost flow frees the
    GIL, so two groups are solved at once while others are written, and a pass that dies leaves
    whole groups."""
    pool = pool or Workers(1)
    result.candidates = len(found)
    if not len(found):
        return 0
    need_ids, offer_ids = np.unique(found.need_id), np.unique(found.offer_id)
    result.needs_considered = len(need_ids)
    reads: list[_Read] = [
        _posts_read("needs_need", None if every_post else need_ids, now),
        _posts_read("offers_offer", None if every_post else offer_ids, now),
        _need_slots_read(need_ids, everything=every_post),
    ]
    if offers_used is None:
        reads.append(_offer_slots_read(offer_ids.tolist()))
    # A full pass reads side by side on its workers' connections; a pass of one post reads a few
    # rows, in one round trip on its own connection (and in its transaction).
    done = pool.map([read.run for read in reads]) if pool.count > 1 else _run_together(reads)
    needs, offers, (need_slots, need_budget), *used = done
    # A post paused or closed since the probes is not among the active posts read: drop its pairs.
    found = found.take(np.flatnonzero(needs.has(found.need_id) & offers.has(found.offer_id)))
    pairs = _score(found, needs, offers)
    in_use = offers_used if offers_used is not None else used[0]
    offer_slots = _offer_slots(offers, in_use)
    budget = UnitBudget(
        need_units=need_budget.need_units,
        offer_room=_offer_room(offers, in_use),
        partial_needs=need_budget.partial_needs,
    )
    optimal = len(pairs) <= settings.POMOC_MATCHING_OPTIMAL_MAX_PAIRS
    result.algorithm = "optimal" if optimal else "greedy"

    def assign_and_save(group: np.ndarray) -> tuple[ScoredPairs, int]:
        # Groups share no need and no offer, so each reads the slot maps and nothing else.
        part, units = assign_units(
            pairs.take(group),
            need_slots=need_slots,
            offer_slots=offer_slots,
            budget=budget,
            optimal=optimal,
        )
        return part, (save(part, units) if save and len(part) else 0)

    groups = _root_groups(needs["category_root_id"][needs.rows(found.need_id)], workers=pool.count)
    done = pool.map([partial(assign_and_save, group) for group in groups])
    result.chosen = ScoredPairs.concatenate([part for part, _ in done]).best_first()
    return sum(saved for _, saved in done)


def _root_groups(roots: np.ndarray, *, workers: int) -> list[np.ndarray]:
    """Positions of the pairs by root category, largest first, small roots merged so that no
    group is much smaller than a share of the work (fewer, larger inserts)."""
    order = np.argsort(roots, kind="stable")
    _, starts, sizes = np.unique(roots[order], return_index=True, return_counts=True)
    least = len(roots) // (4 * workers)
    groups: list[np.ndarray] = []
    pending: list[np.ndarray] = []
    for start, size in sorted(
        zip(starts.tolist(), sizes.tolist(), strict=True), key=lambda s: -s[1]
    ):
        pending.append(order[start : start + size])
        if sum(len(part) for part in pending) >= least:
            groups.append(np.concatenate(pending))
            pending = []
    if pending:
        groups.append(np.concatenate(pending))
    return groups


def incremental_pass(*, offer_id: int | None = None, need_id: int | None = None) -> PassResult:
    """Match one offer or one need right after it was posted or changed, or withdraw its open
    proposals if it is no longer active and valid."""
    if (offer_id is None) == (need_id is None):
        raise ValueError("Give exactly one of offer_id and need_id.")
    started, started_at = time.perf_counter(), timezone.now()
    result = PassResult()
    # The run record and the work in one transaction, so one commit (one WAL flush) instead of
    # three: a pass takes a few milliseconds, and each flush took about as long.
    try:
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():
            result.run_id = _begin_incremental(commit_without_flush=own_transaction)
            _incremental(result, offer_id=offer_id, need_id=need_id)
            # Written last, under the id reserved at the start (one statement instead of an
            # insert and an update): the proposals' run_id points to it (no foreign key), and
            # both commit together or not at all.
            run = MatchRun(pk=result.run_id, kind=RunKind.INCREMENTAL, started_at=started_at)
            _finish(run, result, started, insert=True)
    except Exception:
        # The run record went with the rollback: the failure is recorded in a run of its own.
        _finish(
            MatchRun(kind=RunKind.INCREMENTAL, started_at=started_at),
            result,
            started,
            errors=traceback.format_exc(),
        )
        raise
    return result


def _begin_incremental(*, commit_without_flush: bool) -> int:
    """Set up the pass's transaction in one round trip, and reserve the id of its run record.

    The probes' settings (``candidates.PREPARED_PROBE_SETTINGS``) hold for the whole pass.
    ``commit_without_flush`` (the pass is its own transaction, as in its queued task): the
    commit does not wait for the disk (``synchronous_commit``). What an incremental pass writes
    is derived from the posts, so a crash that loses the last fraction of a second of passes
    loses nothing the next full pass does not propose again, and the wait for the flush was
    about a millisecond of each pass (several at the slowest). Inside a caller's transaction
    the setting would reach the caller's own writes, so it is left alone there."""
    wanted = dict(candidate_sql.PREPARED_PROBE_SETTINGS)
    if commit_without_flush:
        wanted["synchronous_commit"] = "off"
    settings_sql = candidate_sql.set_config_sql(wanted)
    return _fetch(
        f"SELECT {settings_sql}, nextval(pg_get_serial_sequence('matching_matchrun', 'id'))", []
    )[0][-1]


def _incremental(result: PassResult, *, offer_id: int | None, need_id: int | None) -> None:
    now = timezone.now()
    today = timezone.localdate()
    result.withdrawn = withdraw_stale(today=today, offer_id=offer_id, need_id=need_id)
    if offer_id is not None:
        found = candidate_sql.needs_for_offer(
            today=today,
            offer_id=offer_id,
            limit=settings.POMOC_MATCHING_CANDIDATES * settings.POMOC_MATCHING_PER_OFFER,
            per_need=settings.POMOC_MATCHING_PER_NEED,
            configured=True,
        )
    else:
        found = candidate_sql.offers_for_needs(
            today=today,
            need_ids=[need_id],
            full_offer_ids=None,
            limit=settings.POMOC_MATCHING_CANDIDATES,
            per_need=settings.POMOC_MATCHING_PER_NEED,
            per_offer=settings.POMOC_MATCHING_PER_OFFER,
            configured=True,
        )
    result.proposed = _propose(result, found, now=now, save=partial(_insert, run_id=result.run_id))


def proposal_counts() -> dict[str, int]:
    """How many matches are in each status (for the command's summary)."""
    return dict(_fetch("SELECT status, count(*) FROM matching_match GROUP BY status", []))
