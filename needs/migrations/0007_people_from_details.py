"""A need's beds or seats are its number of people now (posts/units.py): keep the larger of
the two in ``people_count`` and drop the details. A need's ``quantity`` (material aid) stays in
``details``."""

from django.db import migrations

FORWARD = """
UPDATE needs_need
SET people_count = GREATEST(people_count, (details ->> key)::int),
    details = details - 'beds' - 'seats'
FROM (VALUES ('beds'), ('seats')) AS moved(key)
WHERE details ? key AND jsonb_typeof(details -> key) = 'number'
"""
LEFTOVERS = """
UPDATE needs_need SET details = details - 'beds' - 'seats' WHERE details ?| array['beds', 'seats']
"""


class Migration(migrations.Migration):
    dependencies = [
        ("needs", "0006_need_anonymised_at"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, migrations.RunSQL.noop),
        migrations.RunSQL(LEFTOVERS, migrations.RunSQL.noop),
    ]
