"""What the posts' trigram indexes (offers 0011, needs 0010) are built on: pg_trgm, and
``pomoc_unaccent``, PostgreSQL's ``unaccent`` with its dictionary named, so that it may be
declared IMMUTABLE and used in an index (``unaccent(text)`` reads the dictionary through the
search path, which is why PostgreSQL ships it as STABLE only)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION pomoc_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


class Migration(migrations.Migration):
    dependencies = [("posts", "0007_category_name_ru_pl")]

    # Extensions kept on the way back: catalogue's text search configuration uses unaccent, and
    # scripts/createdb.sh installs both.
    operations = [
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS unaccent", migrations.RunSQL.noop),
        migrations.RunSQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", migrations.RunSQL.noop),
        migrations.RunSQL(FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS pomoc_unaccent(text);"),
    ]
