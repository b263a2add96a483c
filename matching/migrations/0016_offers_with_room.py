"""The offers with room: the active offers whose open and held matches leave at least one unit
of capacity free, in a narrow table of their own with the same two nearest-first indexes as
``offers_offer`` (migration 0007). The probe of one need (``candidates.offers_for_needs``)
walks these instead of every active offer.

Why: in a steady state most offers are full (two in three in the benchmark, mostly by
proposals waiting for a coordinator), and "full" is in no index of ``offers_offer``: a new
need's nearest-first walk read every full offer within reach, and checked each one's matches,
before it found one with room or ran out. A material-aid need that finds nothing walked 200 of
them (15 to 28 ms). A flag on ``offers_offer`` itself would have rewritten a wide row and its
dozen indexes for every offer a full pass fills (20 s a pass at 10^5).

Kept by PostgreSQL, as the columns of migration 0007 are, so no code path can forget it:
statement-level triggers on ``matching_match`` and ``offers_offer`` recompute the offers a
statement touched (``matching_offers_with_room_refresh``). The probe still checks every rule,
capacity included, on the offer's own row: an offer listed here that filled up meanwhile
is rejected exactly as before, so the table only has to list every offer with room.

The full pass is the exception: its transactions set ``pomoc.matching_bulk``, the triggers on
matches skip them (a refresh per post cost a pass at 10^5 about 5 s), and the pass brings the
table up to date set-based at its end (``candidates.rooms_sync``). Until then the table lists
too much, never too little: the pass's own writes only take room, save its withdrawals (mostly
of expired posts, as closing or pausing a post withdraws its proposals at once).

Concurrency: two transactions that change the same offer's matches at the same moment may each
recompute it without the other's change. One that frees a unit while the other takes one can so
leave an offer with room out of the table, and a new need would not find it until the end of
the next full pass, which lists every offer with room it finds missing. Locking the offer's row
in the trigger would close the gap, at the price of deadlocks between a full pass's inserts and
single passes.

Holding statuses and "active" are written out here as ``matching.models`` had them; changing
them needs a migration that redefines the function.
"""

from django.db import migrations

HOLDING = "'proposed', 'approved', 'connected', 'completed'"

TABLE = """
CREATE TABLE matching_offer_with_room (
    offer_id bigint PRIMARY KEY,
    category_root_id bigint NOT NULL,
    location_3035 geometry(Point, 3035) NOT NULL,
    radius_km smallint NOT NULL,
    remote boolean NOT NULL,
    match_keys int[] NOT NULL
);
CREATE INDEX matching_offer_with_room_match ON matching_offer_with_room USING gist (category_root_id,
    location_3035, ST_Expand(location_3035, radius_km * 1000),
    match_keys gist__intbig_ops(siglen = 64));
CREATE INDEX matching_offer_with_room_remote ON matching_offer_with_room USING gist (category_root_id,
    location_3035, match_keys gist__intbig_ops(siglen = 64)) WHERE remote;
"""

FUNCTIONS = f"""
-- The offers among ``ids`` as they now stand: listed (and their columns brought up to date)
-- when active with a unit free, unlisted otherwise.
CREATE FUNCTION matching_offers_with_room_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- Most statements on matches touch none that matter (responses, reminders): nothing to do.
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    DELETE FROM matching_offer_with_room s
    WHERE s.offer_id = ANY(ids)
      AND NOT EXISTS (
          SELECT 1 FROM offers_offer o
          WHERE o.id = s.offer_id AND o.status = 'active'
            AND o.capacity > (SELECT coalesce(sum(m.units), 0) FROM matching_match m
                              WHERE m.offer_id = o.id AND m.status IN ({HOLDING})));
    INSERT INTO matching_offer_with_room AS s
        (offer_id, category_root_id, location_3035, radius_km, remote, match_keys)
    SELECT o.id, o.category_root_id, o.location_3035, o.radius_km, o.remote, o.match_keys
    FROM offers_offer o
    WHERE o.id = ANY(ids) AND o.status = 'active'
      AND o.capacity > (SELECT coalesce(sum(m.units), 0) FROM matching_match m
                        WHERE m.offer_id = o.id AND m.status IN ({HOLDING}))
    ON CONFLICT (offer_id) DO UPDATE SET
        category_root_id = EXCLUDED.category_root_id, location_3035 = EXCLUDED.location_3035,
        radius_km = EXCLUDED.radius_km, remote = EXCLUDED.remote,
        match_keys = EXCLUDED.match_keys
    WHERE (s.category_root_id, s.location_3035, s.radius_km, s.remote, s.match_keys)
          IS DISTINCT FROM (EXCLUDED.category_root_id, EXCLUDED.location_3035,
                            EXCLUDED.radius_km, EXCLUDED.remote, EXCLUDED.match_keys);
END $$;

-- Matches inserted or deleted: their offers. Updated: the offers of the rows whose status,
-- units or offer changed (most updates of a match touch neither: responses, reminders).
CREATE FUNCTION matching_match_offers_with_room() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- A full pass writes its proposals in bulk and brings the table up to date at its end,
    -- set-based (``candidates.rooms_sync``): per-post refreshes cost it seconds.
    IF current_setting('pomoc.matching_bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM matching_offers_with_room_refresh(ARRAY(SELECT DISTINCT offer_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM matching_offers_with_room_refresh(ARRAY(SELECT DISTINCT offer_id FROM old_rows));
    ELSE
        PERFORM matching_offers_with_room_refresh(ARRAY(
            SELECT unnest(ARRAY[o.offer_id, n.offer_id])
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status, o.units, o.offer_id) IS DISTINCT FROM (n.status, n.units, n.offer_id)
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_offer_offers_with_room() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM matching_offer_with_room WHERE offer_id IN (SELECT id FROM old_rows);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM matching_offers_with_room_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM matching_offers_with_room_refresh(ARRAY(
            SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status, o.capacity, o.category_root_id, o.location_3035, o.radius_km,
                   o.remote, o.match_keys)
                  IS DISTINCT FROM (n.status, n.capacity, n.category_root_id, n.location_3035,
                                    n.radius_km, n.remote, n.match_keys)
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_offers_with_room_reset() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE matching_offer_with_room;
    PERFORM matching_offers_with_room_refresh(ARRAY(
        SELECT id FROM offers_offer WHERE status = 'active'));
    RETURN NULL;
END $$;
"""

# Transition tables allow one event per trigger, hence three of each.
TRIGGERS = [
    *(
        f"CREATE TRIGGER {table}_offers_with_room_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for table, function in (
            ("matching_match", "matching_match_offers_with_room"),
            ("offers_offer", "matching_offer_offers_with_room"),
        )
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    # Either table emptied (a reset): listed again from what is left.
    *(
        f"CREATE TRIGGER {table}_offers_with_room_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION matching_offers_with_room_reset()"
        for table in ("matching_match", "offers_offer")
    ),
]


FILL = (
    "SELECT matching_offers_with_room_refresh(ARRAY(SELECT id FROM offers_offer "
    "WHERE status = 'active'))"
)

BACKWARDS = [
    *(
        f"DROP TRIGGER {table}_offers_with_room_{event} ON {table}"
        for table in ("matching_match", "offers_offer")
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION matching_match_offers_with_room(), matching_offer_offers_with_room(), "
    "matching_offers_with_room_reset(), matching_offers_with_room_refresh(bigint[])",
    "DROP TABLE matching_offer_with_room",
]


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0015_need_match_index"),
        ("offers", "0011_offer_text_trgm"),
    ]

    operations = [
        migrations.RunSQL([TABLE, FUNCTIONS, *TRIGGERS, FILL], BACKWARDS)
    ]
