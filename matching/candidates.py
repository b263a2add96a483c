"""Candidate pairs from PostGIS: which offers could serve which needs, nearest first.

Raw SQL, because the speed comes from the shape of the query: for each need one ``LATERAL``
nearest-first probe (``<->`` KNN) on a partial GiST index of active offers' projected EPSG:3035
locations (migration 0002), led by the root category and carrying each offer's reach box and
category-and-language keys (migration 0007). The index itself skips offers of other categories,
in no shared language, or whose reach cannot touch the need's, and prunes far-away subtrees, so
the probe reads little more than the ``limit`` offers it returns, nearest first. Remote needs get
a second probe on the index of active remote offers. ``distance_lte`` or ``ORDER BY
ST_Distance`` would scan.

The probes of one post (an incremental pass) walk narrow tables of the posts that can still
take a match, kept by triggers (migrations 0016 and 0017) and brought up to date by each full
pass (``rooms_sync``): a new need walks only the offers with a unit free, a new offer skips the
needs that have their proposals, where both used to walk past every full post within reach.

The rules, all in the WHERE clause:
- both active, valid on ``today`` and not hidden by a moderator; the offer not full (its id
  is not in ``full_offer_ids``);
- the need fits in what the offer has left, in the unit of its category (posts/units.py): as
  many beds or seats as the need has people; at least one item for material aid, which several
  offers may fill a part each; one session or place otherwise (``_FITS_UNITS``);
- the offer's category is the need's category or the need's parent (general) category;
- within reach (distance ≤ offer radius + need radius), or both remote;
- at least one shared language (bitmask, arrays only for rare languages: migration 0007);
- a host in a category that vets hosts is verified (``_HOST_VETTED``);
- what the need's details require: pets welcome, wheelchair access, cargo, the interpreting
  language pair, and no single-adult host for a group with children or of women only
  (``_DETAIL_RULES``);
- no person on both sides: different owners, different organisations, and neither the owner
  nor any staff member of one side's organisation is on the other side;
- no Match for the pair exists, unless one the engine withdrew (its offer or need was closed,
  paused, hidden or expired and is open again) or a proposal that expired in the queue before
  a coordinator decided (back in the pool): a rejected or declined pair never comes back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial

import numpy as np
import psycopg
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from accounts.models import Membership
from matching.models import HOLDING_STATUSES, REPOOLABLE_SQL, MatchStatus
from matching.scoring import FloatArray, IntArray
from posts.units import PARTIAL_ROOTS, PER_PERSON_ROOTS


@dataclass(frozen=True, slots=True)
class Candidates:
    """Candidate pairs as columns: need, offer, distance in km (EPSG:3035 metres / 1000)."""

    need_id: IntArray
    offer_id: IntArray
    distance_km: FloatArray

    def __len__(self) -> int:
        return len(self.need_id)

    def take(self, index: np.ndarray) -> Candidates:
        return Candidates(self.need_id[index], self.offer_id[index], self.distance_km[index])

    def union(self, other: Candidates) -> Candidates:
        """Both sets, each pair once (a remote pair within reach comes from both probes)."""
        need_id = np.concatenate([self.need_id, other.need_id])
        offer_id = np.concatenate([self.offer_id, other.offer_id])
        distance_km = np.concatenate([self.distance_km, other.distance_km])
        order = np.lexsort((offer_id, need_id))
        need_id, offer_id = need_id[order], offer_id[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = (need_id[1:] != need_id[:-1]) | (offer_id[1:] != offer_id[:-1])
        return Candidates(need_id[first], offer_id[first], distance_km[order][first])

    def unique(self) -> Candidates:
        """Each pair once."""
        return self.union(Candidates(_NO_IDS, _NO_IDS, _NO_KM))

    @classmethod
    def concatenate(cls, parts: Sequence[Candidates]) -> Candidates:
        """Parts about disjoint needs (the full pass's chunks), so no pair repeats."""
        return cls(
            need_id=np.concatenate([part.need_id for part in parts] or [_NO_IDS]),
            offer_id=np.concatenate([part.offer_id for part in parts] or [_NO_IDS]),
            distance_km=np.concatenate([part.distance_km for part in parts] or [_NO_KM]),
        )


_NO_IDS = np.zeros(0, dtype=np.int64)
_NO_KM = np.zeros(0, dtype=np.float64)


def _valid(alias: str) -> str:
    return (
        f"{alias}.status = 'active' AND {alias}.valid_from <= %(today)s "
        f"AND ({alias}.valid_until IS NULL OR {alias}.valid_until >= %(today)s) "
        f"AND {alias}.hidden_at IS NULL"
    )


# Proposals and the statuses that hold a unit of capacity, as an SQL list literal.
_HOLDING = ", ".join(f"'{status}'" for status in HOLDING_STATUSES)

# Sharing a language: the bitmasks of migration 0007 decide, unless both speak a language
# outside the mask (the sign bit), when the arrays are compared.
_SHARE_LANGUAGE = """
    ((o.language_bits & n.language_bits & 9223372036854775807) <> 0
     OR ((o.language_bits & n.language_bits) < 0 AND o.languages && n.languages))
"""

# Nobody may answer for both sides: a side is its post's owner and the approved staff of the
# post's organisation, and the two sets must not meet (one person could otherwise connect a
# match alone and see contacts nobody agreed to share). Posts without an organisation, nearly
# all of them, skip the lookups.
_APPROVED = f"'{Membership.Status.APPROVED}'"
_NO_SHARED_PERSON = f"""
    o.owner_id <> n.owner_id
    AND (o.organisation_id IS NULL OR n.organisation_id IS NULL
         OR o.organisation_id <> n.organisation_id)
    AND (o.organisation_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM accounts_membership mo
            WHERE mo.organisation_id = o.organisation_id AND mo.status = {_APPROVED}
              AND (mo.user_id = n.owner_id
                   OR (n.organisation_id IS NOT NULL AND EXISTS (
                        SELECT 1 FROM accounts_membership mn
                        WHERE mn.user_id = mo.user_id AND mn.organisation_id = n.organisation_id
                          AND mn.status = {_APPROVED})))))
    AND (n.organisation_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM accounts_membership mn
            WHERE mn.organisation_id = n.organisation_id AND mn.user_id = o.owner_id
              AND mn.status = {_APPROVED}))
"""

# What the need's details require (posts/details.py), checked inside the nearest-first probe so
# that the walk goes on past infeasible offers until it has ``limit`` feasible ones: no feasible
# pair is lost because the nearest few could not serve. A need that does not state a detail is
# not constrained by it; an offer that does not state one a need requires cannot serve it.
# Containment (``@>``) on jsonb is cheap, and most needs state none of these, so the first test
# of each line is false and the offer's details are not even read.
_REQUIRED_FLAGS = ("pets", "accessible", "cargo")
_DETAIL_RULES = " AND ".join(
    [
        *(
            f"""(NOT n.details @> '{{"{flag}": true}}' OR o.details @> '{{"{flag}": true}}')"""
            for flag in _REQUIRED_FLAGS
        ),
        # Safe hosting: a group with children, or of women only, is never placed with a host
        # who lives alone, nor with one who did not say who lives in the home. Only a
        # coordinator can pair them, by hand, with a recorded reason (match_create_manual).
        """(NOT (n.details @> '{"children": true}' OR n.details @> '{"women_only": true}')
            OR (o.details ? 'household'
                AND NOT o.details @> '{"household": "single_adult"}'))""",
        # An interpreter covers a language pair either way round.
        """(NOT (n.details ? 'language_from' AND n.details ? 'language_to')
            OR (least(o.details->>'language_from', o.details->>'language_to')
                  = least(n.details->>'language_from', n.details->>'language_to')
                AND greatest(o.details->>'language_from', o.details->>'language_to')
                  = greatest(n.details->>'language_from', n.details->>'language_to')))""",
    ]
)

# Safe hosting: an offer in a category that vets hosts (``Category.needs_verification``, on the
# category or its general one) only once a verification stands (``offers.services.host_verify``
# keeps ``host_verified_at``). The flagged categories are an array built once per statement (an
# InitPlan), so each probed row costs two array comparisons, and the probe needs no round trip
# of its own to fetch them.
_VETTED = "ARRAY(SELECT id FROM posts_category WHERE needs_verification)"
_HOST_VETTED = (
    f"(o.host_verified_at IS NOT NULL OR NOT (o.category_id = ANY({_VETTED}) "
    f"OR o.category_root_id = ANY({_VETTED})))"
)

_PAIR_RULES = f"""
    {_SHARE_LANGUAGE}
    AND {_HOST_VETTED}
    AND {_DETAIL_RULES}
    AND {_NO_SHARED_PERSON}
    AND NOT EXISTS (SELECT 1 FROM matching_match m
                    WHERE m.offer_id = o.id AND m.need_id = n.id
                      AND NOT {REPOOLABLE_SQL})
"""


def _roots(slugs: Sequence[str]) -> str:
    """The ids of these root categories, as an uncorrelated subquery PostgreSQL runs once."""
    listed = ", ".join(f"'{slug}'" for slug in slugs)
    return f"(SELECT id FROM posts_category WHERE parent_id IS NULL AND slug IN ({listed}))"


# Units of capacity (posts/units.py), the same expressions for every probe and for the engine's
# slot accounting. A need's whole demand: one per person where its root counts people, its
# quantity for material aid, else 1.
PARTIAL_NEED = f"{{n}}.category_root_id IN {_roots(PARTIAL_ROOTS)}"
NEED_UNITS = (
    f"(CASE WHEN {{n}}.category_root_id IN {_roots(PER_PERSON_ROOTS)} THEN {{n}}.people_count "
    f"WHEN {PARTIAL_NEED} THEN greatest(coalesce(({{n}}.details ->> 'quantity')::int, 1), 1) "
    "ELSE 1 END)"
)
# Offers whose units are counted per person of a need (beds, seats).
PER_PERSON_OFFER = f"o.category_root_id IN {_roots(PER_PERSON_ROOTS)}"
# What one more match of the need takes at least: its whole demand, or a single item where
# several offers may fill it.
_NEED_TAKES = f"(CASE WHEN {PARTIAL_NEED} THEN 1 ELSE {NEED_UNITS} END)".format(n="n")

# The need fits what the offer has left. ``offer_room`` maps the offers in use to their free
# units (capacity less the units of their open and held matches, ``engine._offer_slots_used``;
# the full pass lists only beds and seats, as an offer with a slot has the one unit any other
# need takes); any other offer has its whole capacity. A jsonb object, so the lookup is a binary
# search per probed row. Single-need passes check the exact room in ``_OFFER_HAS_ROOM`` besides.
_FITS_UNITS = f"""
    coalesce((%(offer_room)s::jsonb ->> o.id::text)::int, o.capacity) >= {_NEED_TAKES}
"""

# Offers that still have room: fewer than per_offer open proposals, and the need fits in the
# capacity left after the units of their open and held matches. Per probed row, so only for
# single-need passes; the full pass computes the full offers once and passes their ids instead.
_OFFER_HAS_ROOM = f"""
    (SELECT count(*) FILTER (WHERE m.status = '{MatchStatus.PROPOSED}') < %(per_offer)s
            AND o.capacity - coalesce(sum(m.units), 0) >= {_NEED_TAKES}
     FROM matching_match m
     WHERE m.offer_id = o.id AND m.status IN ({_HOLDING}))
"""

# Needs that still have room for a proposal: fewer open or held matches than per_need; a need
# several offers may fill (material aid) counts only its open proposals, and has room while its
# held matches (approved and on) leave some of its quantity uncovered.
_NEED_HAS_ROOM = f"""
    (SELECT CASE WHEN {PARTIAL_NEED.format(n="n")}
                 THEN count(*) FILTER (WHERE m.status = '{MatchStatus.PROPOSED}') < %(per_need)s
                      AND coalesce(sum(m.units) FILTER (
                              WHERE m.status <> '{MatchStatus.PROPOSED}'), 0)
                          < {NEED_UNITS.format(n="n")}
                 ELSE count(*) < %(per_need)s END
     FROM matching_match m
     WHERE m.need_id = n.id AND m.status IN ({_HOLDING}))
"""

# One nearest-first probe per need on the offers of its root category (its own category and the
# general offers of its parent live under the same root), on the index of migration 0007, whose
# conditions (``{index_conditions}``) drop offers out of reach or without a fitting category and
# language before the table is read; the rest of the WHERE clause checks each rule exactly.
_OFFERS_FOR_NEEDS = """
SELECT n.id, c.offer_id, c.distance_m
FROM needs_need n
CROSS JOIN LATERAL (
    SELECT o.id AS offer_id, {k}.location_3035 <-> n.location_3035 AS distance_m
    FROM {offers}
    WHERE {k}.category_root_id = n.category_root_id AND {k}.match_keys && n.match_keys
      AND o.status = 'active' AND {index_conditions}
      AND {offer_valid}
      AND {reach}
      AND {pair_rules}
      AND {offer_has_room} AND {fits_units}
    ORDER BY {k}.location_3035 <-> n.location_3035
    LIMIT %(limit)s
) c
WHERE {need_valid} AND {need_filter} AND {need_has_room}
"""

# Reach boxes that touch: what the index can check of "within reach" (offers_offer_match).
_REACH_BOXES = (
    "ST_Expand({k}.location_3035, {k}.radius_km * 1000) "
    "&& ST_Expand(n.location_3035, n.radius_km * 1000)"
)

# One offer's probe of each category it serves (its own and, for a general category, its
# subcategories: categories have two levels, so a subcategory has none), on the index of the
# needs not yet covered (``NEEDS_WITH_ROOM``, migration 0017, keyed like the needs' own index of
# migration 0015), whose keys drop needs of that category in no language the offer speaks
# (``r.match_keys && o.match_keys``: implied by the category and language rules below, which
# stay exact); a need that has its proposals is skipped on its narrow row (``open_count``),
# before its own row is read. ``room``: the offer's free units, read once.
_NEEDS_FOR_OFFER = """
SELECT c.need_id, o.id, c.distance_m
FROM offers_offer o
CROSS JOIN LATERAL ({offer_room}) room
CROSS JOIN LATERAL (
    SELECT p.need_id, p.distance_m
    FROM unnest(ARRAY[o.category_id]
                || ARRAY(SELECT sub.id FROM posts_category sub WHERE sub.parent_id = o.category_id))
         AS accepted(category_id)
    CROSS JOIN LATERAL (
        SELECT n.id AS need_id, r.location_3035 <-> o.location_3035 AS distance_m
        FROM {needs_with_room} r JOIN needs_need n ON n.id = r.need_id
        WHERE r.category_id = accepted.category_id AND r.match_keys && o.match_keys
          AND r.open_count < %(per_need)s
          AND {need_valid}
          AND {reach}
          AND {pair_rules}
          AND {need_has_room} AND {fits_units}
        ORDER BY r.location_3035 <-> o.location_3035
        LIMIT %(limit)s
    ) p
    ORDER BY p.distance_m
    LIMIT %(limit)s
) c
WHERE o.id = %(offer_id)s AND {offer_valid}
"""

# Within reach. On the need side, an index-usable bound first: ST_DWithin can use the index only
# when its distance does not depend on the row being probed, hence the largest radius of an
# active need (an uncorrelated subquery, run once per statement on the radius index of
# migration 0002).
_REACH = "o.location_3035 <-> n.location_3035 <= (n.radius_km + o.radius_km) * 1000"
_MAX_NEED_RADIUS = "(SELECT coalesce(max(radius_km), 0) FROM needs_need WHERE status = 'active')"
_REACH_NEED_SIDE = (
    f"ST_DWithin(r.location_3035, o.location_3035, (o.radius_km + {_MAX_NEED_RADIUS}) * 1000) "
    f"AND {_REACH}"
)


# The active offers with a unit of capacity free, kept by PostgreSQL (migration 0016), with the
# index columns of ``offers_offer``: what the probe of one need walks.
OFFERS_WITH_ROOM = "matching_offer_with_room"
# The active needs not covered yet, with their count of open matches (migration 0017):
# what the probe of one offer walks.
NEEDS_WITH_ROOM = "matching_need_with_room"


# Statements of ``rooms_sync``: what the tables should hold, from one hash aggregate of the
# holding matches each, then the rows to drop, change (any column: see ``rooms_sync``) and add.
_SYNC_OFFERS = f"""
WITH held AS (
    SELECT offer_id, sum(units) AS units FROM matching_match
    WHERE status IN ({_HOLDING}) GROUP BY offer_id),
expected AS (
    SELECT o.id, o.category_root_id, o.location_3035, o.radius_km, o.remote, o.match_keys
    FROM offers_offer o LEFT JOIN held h ON h.offer_id = o.id
    WHERE o.status = 'active' AND o.capacity > coalesce(h.units, 0)),
gone AS (
    DELETE FROM {OFFERS_WITH_ROOM} r
    WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE e.id = r.offer_id) RETURNING 1),
changed AS (
    UPDATE {OFFERS_WITH_ROOM} r
    SET category_root_id = e.category_root_id, location_3035 = e.location_3035,
        radius_km = e.radius_km, remote = e.remote, match_keys = e.match_keys
    FROM expected e
    WHERE e.id = r.offer_id
      AND (r.category_root_id, r.location_3035, r.radius_km, r.remote, r.match_keys)
          IS DISTINCT FROM (e.category_root_id, e.location_3035, e.radius_km, e.remote,
                            e.match_keys)
    RETURNING 1),
added AS (
    INSERT INTO {OFFERS_WITH_ROOM}
        (offer_id, category_root_id, location_3035, radius_km, remote, match_keys)
    SELECT * FROM expected e
    WHERE NOT EXISTS (SELECT 1 FROM {OFFERS_WITH_ROOM} r WHERE r.offer_id = e.id)
    ON CONFLICT (offer_id) DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM changed) + (SELECT count(*) FROM added)
"""
_SYNC_NEEDS = f"""
WITH counts AS (
    SELECT need_id, count(*) AS holding,
           count(*) FILTER (WHERE status = '{MatchStatus.PROPOSED}') AS proposed,
           coalesce(sum(units) FILTER (WHERE status <> '{MatchStatus.PROPOSED}'), 0) AS held
    FROM matching_match WHERE status IN ({_HOLDING}) GROUP BY need_id),
expected AS (
    SELECT n.id, n.category_id, n.location_3035, n.radius_km, n.remote, n.match_keys,
           (CASE WHEN {PARTIAL_NEED.format(n="n")} THEN coalesce(c.proposed, 0)
                 ELSE coalesce(c.holding, 0) END)::int AS open_count
    FROM needs_need n LEFT JOIN counts c ON c.need_id = n.id
    WHERE n.status = 'active'
      AND NOT ({PARTIAL_NEED.format(n="n")} AND coalesce(c.held, 0) >= {NEED_UNITS.format(n="n")})),
gone AS (
    DELETE FROM {NEEDS_WITH_ROOM} r
    WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE e.id = r.need_id) RETURNING 1),
changed AS (
    UPDATE {NEEDS_WITH_ROOM} r
    SET category_id = e.category_id, location_3035 = e.location_3035, radius_km = e.radius_km,
        remote = e.remote, match_keys = e.match_keys, open_count = e.open_count
    FROM expected e
    WHERE e.id = r.need_id
      AND (r.category_id, r.location_3035, r.radius_km, r.remote, r.match_keys, r.open_count)
          IS DISTINCT FROM (e.category_id, e.location_3035, e.radius_km, e.remote,
                            e.match_keys, e.open_count)
    RETURNING 1),
added AS (
    INSERT INTO {NEEDS_WITH_ROOM}
        (need_id, category_id, location_3035, radius_km, remote, match_keys, open_count)
    SELECT * FROM expected e
    WHERE NOT EXISTS (SELECT 1 FROM {NEEDS_WITH_ROOM} r WHERE r.need_id = e.id)
    ON CONFLICT (need_id) DO NOTHING RETURNING 1)
SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM changed) + (SELECT count(*) FROM added)
"""


def rooms_sync() -> list[Callable[[], int]]:
    """Two statements that bring ``OFFERS_WITH_ROOM`` and ``NEEDS_WITH_ROOM`` up to date with
    the posts and their matches, set-based, each on its own (a full pass runs them side by side
    on its workers); each returns how many rows it dropped, changed or added.

    A full pass calls this after writing its proposals, which its triggers skip (a refresh per
    post cost a pass at 10^5 x 10^5 about 5 s). Until then the tables list too much, never too
    little: those writes only take room, and the probes check room on each post's own row. It
    also mends what a race between two transactions can leave: two changing one post's matches
    at once (migration 0016), or one moving a post while another changes its matches, whose
    refresh may write the post's old columns back."""
    return [
        partial(_sync, OFFERS_WITH_ROOM, _SYNC_OFFERS),
        partial(_sync, NEEDS_WITH_ROOM, _SYNC_NEEDS),
    ]


def _sync(table: str, sql: str) -> int:
    with transaction.atomic(), connection.cursor() as cursor:
        # Writers (the triggers of passes and coordinators' decisions) wait the half second
        # this takes; readers (the probes) do not. Without it, a change committed while the
        # statement runs would be overwritten from the statement's older snapshot.
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(sql)
        return cursor.fetchone()[0]


# What a full pass's transactions that write proposals set first: the triggers of migrations
# 0016 and 0017 leave the tables to ``rooms_sync``.
BULK_WRITES = "SELECT set_config('pomoc.matching_bulk', 'on', true)"


# The open offers of a full pass (``open_offers_snapshot``): what the probes read from an offer.
OPEN_OFFERS = "matching_open_offers"
_OFFER_COLUMNS = (
    "id, location_3035, radius_km, remote, category_id, category_root_id, match_keys, status, "
    "valid_from, valid_until, hidden_at, language_bits, languages, host_verified_at, details, "
    "owner_id, organisation_id, capacity"
)


def open_offers_snapshot(full_offer_ids: Sequence[int]) -> None:
    """Copy the active offers that are not full into ``OPEN_OFFERS``, with the same two indexes
    as ``offers_offer`` (migration 0007).

    Once proposals fill most offers (a steady-state full pass: two in three offers in use were
    full in the benchmark), a nearest-first probe on ``offers_offer`` walks past every full
    offer within reach before it finds one with room, or finds none: 190 rows and 4 ms per
    need. On the open offers alone it walks past none. Full offers are excluded from the probes
    either way (no room), so the candidates are the same. An unlogged table rather than a
    temporary one, because the pass's workers probe it on their own connections; one full pass
    runs at a time (its advisory lock), so one name serves, dropped and made anew each pass."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OPEN_OFFERS}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {OPEN_OFFERS} AS SELECT {_OFFER_COLUMNS} FROM offers_offer "
            "WHERE status = 'active' AND id <> ALL(%s::bigint[])",
            [list(full_offer_ids)],
        )
        cursor.execute(
            f"CREATE INDEX {OPEN_OFFERS}_match ON {OPEN_OFFERS} USING gist (category_root_id, "
            "location_3035, ST_Expand(location_3035, radius_km * 1000), "
            "match_keys gist__intbig_ops(siglen = 64))"
        )
        cursor.execute(
            f"CREATE INDEX {OPEN_OFFERS}_remote ON {OPEN_OFFERS} USING gist (category_root_id, "
            "location_3035, match_keys gist__intbig_ops(siglen = 64)) WHERE remote"
        )
        cursor.execute(f"ANALYZE {OPEN_OFFERS}")


def drop_open_offers() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OPEN_OFFERS}")


def room_json(offer_room: Mapping[int, int] | str | None) -> str:
    """The offers' free units as the jsonb object the probes look up (``_FITS_UNITS``); a
    string is taken as already serialised (a full pass serialises once for all its chunks)."""
    if isinstance(offer_room, str):
        return offer_room
    return json.dumps({str(offer_id): room for offer_id, room in (offer_room or {}).items()})


# Django turns psycopg's statement preparation off (for connection poolers); a threshold no
# query reaches keeps it off for every other query while ``prepare=True`` prepares ours.
_PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


@contextmanager
def preparing_cursor() -> Iterator[psycopg.Cursor]:
    """A cursor on Django's connection (and in its transaction) that binds parameters on the
    server, so that ``execute(..., prepare=True)`` prepares a statement once per connection:
    for the large statements of an incremental pass, whose planning costs more than their run.
    Django's query log does not see its statements."""
    with psycopg.Cursor(preparing_connection()) as cursor:
        yield cursor


def preparing_connection() -> psycopg.Connection:
    """Django's psycopg connection, where ``prepare=True`` prepares a statement (see
    ``preparing_cursor``)."""
    connection.ensure_connection()
    server_side = connection.connection
    if server_side.prepare_threshold is None:
        server_side.prepare_threshold = _PREPARE_ONLY_WHEN_ASKED
    return server_side


# What the probes need of their transaction (see ``_probing``): thousands of tiny index probes,
# where JIT compiling costs more than it saves, and a bitmap scan of the language GIN index (the
# planner's guess for the unbounded remote probe) reads every post speaking Ukrainian where the
# nearest-first walk stops after a few rows. Prepared probes (of one post) also want a generic
# plan: planning these large statements took longer than running them (1.3 to 4 ms a probe
# against 0.2 to 0.7 ms at 10^5 x 10^5), and the plan's shape is set by the query (a
# primary-key lookup, then nearest-first index walks), not by the values.
PROBE_SETTINGS = {"jit": "off", "enable_bitmapscan": "off"}
PREPARED_PROBE_SETTINGS = PROBE_SETTINGS | {"plan_cache_mode": "force_generic_plan"}


def set_config_sql(settings: Mapping[str, str]) -> str:
    """Select-list items that set these for the current transaction only."""
    return ", ".join(f"set_config('{name}', '{value}', true)" for name, value in settings.items())


@contextmanager
def _probing(
    *, prepared: bool = False, configured: bool = False
) -> Iterator[CursorWrapper | psycopg.Cursor]:
    """A cursor for the probes, with their settings (``PROBE_SETTINGS``) set for the
    transaction: their own, or the caller's, where they then last until it ends (a savepoint
    would not end them either, and it costs two round trips).

    ``prepared`` (the probes of one post): a cursor that binds on the server and prepares the
    probe once per connection with a generic plan. ``configured``: the caller's transaction
    already has ``PREPARED_PROBE_SETTINGS`` (an incremental pass sets them with its first
    statement, saving a round trip)."""
    settings = PREPARED_PROBE_SETTINGS if prepared else PROBE_SETTINGS
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if not configured:
            cursor.execute(f"SELECT {set_config_sql(settings)}")
        if not prepared:
            yield cursor
            return
        with preparing_cursor() as prepared_cursor:
            yield prepared_cursor


def _columns(cursor, sql: str, params: dict[str, object]) -> Candidates:
    # Three arrays in one row: psycopg parses an array far faster than a row per pair.
    query = (
        "SELECT coalesce(array_agg(need_id), '{}'), coalesce(array_agg(offer_id), '{}'), "
        f"coalesce(array_agg(distance_m), '{{}}') FROM ({sql}) AS found(need_id, offer_id, "
        "distance_m)"
    )
    if isinstance(cursor, psycopg.Cursor):
        cursor.execute(query, params, prepare=True)
    else:
        cursor.execute(query, params)
    need_ids, offer_ids, distances = cursor.fetchone()
    return Candidates(
        need_id=np.array(need_ids, dtype=np.int64),
        offer_id=np.array(offer_ids, dtype=np.int64),
        distance_km=np.array(distances, dtype=np.float64) / 1000.0,
    )


def offers_for_needs(
    *,
    today: dt.date,
    need_ids: Sequence[int] | None,
    full_offer_ids: Sequence[int] | None,
    limit: int,
    per_need: int,
    per_offer: int,
    id_range: tuple[int, int] | None = None,
    offer_room: Mapping[int, int] | str | None = None,
    offers_table: str = "offers_offer",
    configured: bool = False,
) -> Candidates:
    """Up to ``limit`` nearest eligible offers (and as many remote ones) for each need.

    ``need_ids=None`` means every active need with room for a proposal; ``id_range`` (inclusive
    low, exclusive high) lets the full pass work through the needs in chunks. ``full_offer_ids``:
    offers known to have no room left; ``None`` checks each probed offer's room in SQL instead.
    ``offer_room``: the free units of the offers in use that are not full (the others have
    their whole capacity). ``offers_table``: ``OPEN_OFFERS`` when a full pass made that snapshot.
    ``configured``: see ``_probing``.
    """
    need_filter = "TRUE"
    params: dict[str, object] = {
        "today": today,
        "limit": limit,
        "per_need": per_need,
        "per_offer": per_offer,
        "offer_room": room_json(offer_room),
    }
    if need_ids is not None:
        need_filter = "n.id = ANY(%(need_ids)s)"
        params["need_ids"] = list(need_ids)
    if id_range is not None:
        need_filter += " AND n.id >= %(low)s AND n.id < %(high)s"
        params["low"], params["high"] = id_range
    offers, k = f"{offers_table} o", "o"
    if full_offer_ids is None:
        offer_has_room = _OFFER_HAS_ROOM
        # Walk only the offers with a unit free (``OFFERS_WITH_ROOM``), each read from its own
        # row for the rules: the walk no longer passes every full offer within reach.
        offers, k = f"{OFFERS_WITH_ROOM} r JOIN offers_offer o ON o.id = r.offer_id", "r"
    elif len(full_offer_ids):
        offer_has_room = "o.id <> ALL(%(full_offer_ids)s)"
        params["full_offer_ids"] = list(full_offer_ids)
    else:
        offer_has_room = "TRUE"
    common = {
        "offer_valid": _valid("o"),
        "need_valid": _valid("n"),
        "pair_rules": _PAIR_RULES,
        "need_filter": need_filter,
        "offer_has_room": offer_has_room,
        "need_has_room": _NEED_HAS_ROOM,
        "fits_units": _FITS_UNITS,
        "offers": offers,
        "k": k,
    }
    spatial = _OFFERS_FOR_NEEDS.format(
        index_conditions=_REACH_BOXES.format(k=k), reach=_REACH, **common
    )
    remote = _OFFERS_FOR_NEEDS.format(index_conditions=f"{k}.remote", reach="TRUE", **common)
    one_need = need_ids is not None and id_range is None
    with _probing(prepared=one_need, configured=configured) as cursor:
        # Both probes in one statement (one round trip); a remote pair within reach comes twice.
        return _columns(cursor, f"({spatial}) UNION ALL ({remote} AND n.remote)", params).unique()


# The offer's free units, read once per probe (its own capacity less what its open and held
# matches take), for ``room.units`` in the probe of one offer.
_ROOM_OF_OFFER = f"""
    SELECT o.capacity - coalesce(sum(m.units), 0) AS units
    FROM matching_match m WHERE m.offer_id = o.id AND m.status IN ({_HOLDING})
"""


def needs_for_offer(
    *,
    today: dt.date,
    offer_id: int,
    limit: int,
    per_need: int,
    configured: bool = False,
) -> Candidates:
    """Up to ``limit`` nearest eligible needs (and as many remote ones) for one offer, of its
    category and, for a general category, its subcategories, that fit what the offer has left.

    ``configured``: see ``_probing``.
    """
    params: dict[str, object] = {
        "today": today,
        "offer_id": offer_id,
        "limit": limit,
        "per_need": per_need,
    }
    common = {
        "offer_valid": _valid("o"),
        "need_valid": _valid("n"),
        "pair_rules": _PAIR_RULES,
        "need_has_room": _NEED_HAS_ROOM,
        "offer_room": _ROOM_OF_OFFER,
        "fits_units": f"room.units >= {_NEED_TAKES}",
        "needs_with_room": NEEDS_WITH_ROOM,
    }
    spatial = _NEEDS_FOR_OFFER.format(reach=_REACH_NEED_SIDE, **common)
    remote = _NEEDS_FOR_OFFER.format(reach="r.remote", **common) + " AND o.remote"
    with _probing(prepared=True, configured=configured) as cursor:
        # Both probes in one statement (one round trip); a remote pair within reach comes twice.
        return _columns(cursor, f"({spatial}) UNION ALL ({remote})", params).unique()
