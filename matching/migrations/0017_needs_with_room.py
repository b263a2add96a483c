"""The needs a new offer's probe walks (``candidates.needs_for_offer``): the active needs not
yet covered, in a narrow table with their count of open matches, the mirror of
migration 0016 on the other side.

Why: in a steady state most needs already have their ``POMOC_MATCHING_PER_NEED`` proposals,
and the offer's nearest-first walk read each of them from ``needs_need`` and counted its
matches before skipping it: a general offer probing its seven subcategories walked 886 needs
(22 ms). Here each step reads a narrow row with the count instead. The count is stored rather
than a "has room" flag because ``per_need`` is a setting the database does not know; it is not
a key of the index because a full pass changes it for most needs: a change of an indexed
column rewrites the row's index entries (1.2 s for 70 000 needs at 10^5), where an update of
the row alone, with room left on its page for it (``fillfactor``), is a HOT update (0.1 s).

``open_count`` is what ``candidates._NEED_HAS_ROOM`` compares with ``per_need``: the open
proposals of a need several offers may fill (material aid), every open or held match of any
other. A material-aid need whose held matches cover its quantity is left out, as is every need
that is not active. As in migration 0016, the probe still checks every rule on the need's own
row, triggers keep the table (the full pass's writes excepted: it brings the table up to date
at its end), a race between two transactions on one need's matches can leave it stale, and the
full pass mends it.
"""

from django.db import migrations

HOLDING = "'proposed', 'approved', 'connected', 'completed'"
PARTIAL_ROOTS = "'material-aid'"

TABLE = """
CREATE TABLE matching_need_with_room (
    need_id bigint PRIMARY KEY,
    category_id bigint NOT NULL,
    location_3035 geometry(Point, 3035) NOT NULL,
    radius_km smallint NOT NULL,
    remote boolean NOT NULL,
    match_keys int[] NOT NULL,
    open_count int NOT NULL
) WITH (fillfactor = 50);
CREATE INDEX matching_need_with_room_match ON matching_need_with_room USING gist (category_id,
    location_3035, match_keys gist__intbig_ops(siglen = 64));
CREATE INDEX matching_need_with_room_remote ON matching_need_with_room USING gist (category_id,
    location_3035, match_keys gist__intbig_ops(siglen = 64)) WHERE remote;
"""

# The needs among ``ids`` as they stand: their row, or none.
FRESH = f"""
    SELECT n.id, n.category_id, n.location_3035, n.radius_km, n.remote, n.match_keys,
           c.open_count
    FROM needs_need n
    CROSS JOIN LATERAL (SELECT n.category_root_id IN (
        SELECT id FROM posts_category WHERE parent_id IS NULL AND slug IN ({PARTIAL_ROOTS})
    ) AS partial) p
    CROSS JOIN LATERAL (
        SELECT CASE WHEN p.partial THEN count(*) FILTER (WHERE m.status = 'proposed')
                    ELSE count(*) END AS open_count,
               p.partial AND coalesce(sum(m.units) FILTER (WHERE m.status <> 'proposed'), 0)
                   >= greatest(coalesce((n.details ->> 'quantity')::int, 1), 1) AS covered
        FROM matching_match m
        WHERE m.need_id = n.id AND m.status IN ({HOLDING})) c
    WHERE {{ids}} AND n.status = 'active' AND n.location_3035 IS NOT NULL AND NOT c.covered
"""

FUNCTIONS = f"""
CREATE FUNCTION matching_needs_with_room_refresh(ids bigint[]) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    WITH fresh AS ({FRESH.format(ids="n.id = ANY(ids)")}),
    gone AS (
        DELETE FROM matching_need_with_room s
        WHERE s.need_id = ANY(ids) AND s.need_id NOT IN (SELECT id FROM fresh))
    INSERT INTO matching_need_with_room AS s
        (need_id, category_id, location_3035, radius_km, remote, match_keys, open_count)
    SELECT * FROM fresh
    ON CONFLICT (need_id) DO UPDATE SET
        category_id = EXCLUDED.category_id, location_3035 = EXCLUDED.location_3035,
        radius_km = EXCLUDED.radius_km, remote = EXCLUDED.remote,
        match_keys = EXCLUDED.match_keys, open_count = EXCLUDED.open_count
    WHERE (s.category_id, s.location_3035, s.radius_km, s.remote, s.match_keys, s.open_count)
          IS DISTINCT FROM (EXCLUDED.category_id, EXCLUDED.location_3035, EXCLUDED.radius_km,
                            EXCLUDED.remote, EXCLUDED.match_keys, EXCLUDED.open_count);
END $$;

CREATE FUNCTION matching_match_needs_with_room() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    -- A full pass writes its proposals in bulk and brings the table up to date at its end,
    -- set-based (``candidates.rooms_sync``): per-post refreshes cost it seconds.
    IF current_setting('pomoc.matching_bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM matching_needs_with_room_refresh(ARRAY(SELECT DISTINCT need_id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM matching_needs_with_room_refresh(ARRAY(SELECT DISTINCT need_id FROM old_rows));
    ELSE
        PERFORM matching_needs_with_room_refresh(ARRAY(
            SELECT unnest(ARRAY[o.need_id, n.need_id])
            FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status, o.units, o.need_id) IS DISTINCT FROM (n.status, n.units, n.need_id)
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_need_needs_with_room() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM matching_need_with_room WHERE need_id IN (SELECT id FROM old_rows);
    ELSIF TG_OP = 'INSERT' THEN
        PERFORM matching_needs_with_room_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM matching_needs_with_room_refresh(ARRAY(
            SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id
            WHERE (o.status, o.category_id, o.category_root_id, o.location_3035, o.radius_km,
                   o.remote, o.match_keys, o.details)
                  IS DISTINCT FROM (n.status, n.category_id, n.category_root_id,
                                    n.location_3035, n.radius_km, n.remote, n.match_keys,
                                    n.details)
        ));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION matching_needs_with_room_reset() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    TRUNCATE matching_need_with_room;
    PERFORM matching_needs_with_room_refresh(ARRAY(
        SELECT id FROM needs_need WHERE status = 'active'));
    RETURN NULL;
END $$;
"""

# Transition tables allow one event per trigger, hence three of each.
TRIGGERS = [
    *(
        f"CREATE TRIGGER {table}_needs_with_room_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        for table, function in (
            ("matching_match", "matching_match_needs_with_room"),
            ("needs_need", "matching_need_needs_with_room"),
        )
        for event, tables in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    ),
    # Either table emptied (a reset): listed again from what is left.
    *(
        f"CREATE TRIGGER {table}_needs_with_room_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION matching_needs_with_room_reset()"
        for table in ("matching_match", "needs_need")
    ),
]

FILL = (
    "SELECT matching_needs_with_room_refresh(ARRAY(SELECT id FROM needs_need "
    "WHERE status = 'active'))"
)

BACKWARDS = [
    *(
        f"DROP TRIGGER {table}_needs_with_room_{event} ON {table}"
        for table in ("matching_match", "needs_need")
        for event in ("insert", "update", "delete", "truncate")
    ),
    "DROP FUNCTION matching_match_needs_with_room(), matching_need_needs_with_room(), "
    "matching_needs_with_room_reset(), matching_needs_with_room_refresh(bigint[])",
    "DROP TABLE matching_need_with_room",
]


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0016_offers_with_room"),
        ("needs", "0010_need_text_trgm"),
    ]

    operations = [migrations.RunSQL([TABLE, FUNCTIONS, *TRIGGERS, FILL], BACKWARDS)]
