"""An offer's beds, seats or items are its capacity now (posts/units.py): move the old
``details`` answers there and drop them from ``details``.

Where an offer gave both, the detail wins: it was the specific answer ("3 beds"), while the
capacity was often the form's default of 1. Values were validated whole numbers ≥ 1.
"""

from django.db import migrations

FORWARD = """
UPDATE offers_offer
SET capacity = GREATEST(1, (details ->> key)::int),
    details = details - 'beds' - 'seats' - 'quantity'
FROM (VALUES ('beds'), ('seats'), ('quantity')) AS moved(key)
WHERE details ? key AND jsonb_typeof(details -> key) = 'number'
"""
# Any leftover (not a number, so never valid) is dropped too.
LEFTOVERS = """
UPDATE offers_offer SET details = details - 'beds' - 'seats' - 'quantity'
WHERE details ?| array['beds', 'seats', 'quantity']
"""
# Back: the capacity becomes the detail again for the categories that had one.
BACKWARD = """
UPDATE offers_offer o
SET details = o.details || jsonb_build_object(
    CASE c.slug WHEN 'accommodation' THEN 'beds' WHEN 'transport' THEN 'seats'
                ELSE 'quantity' END, o.capacity)
FROM posts_category own
JOIN posts_category c ON c.id = coalesce(own.parent_id, own.id)
WHERE own.id = o.category_id AND c.slug IN ('accommodation', 'transport', 'material-aid')
"""


class Migration(migrations.Migration):
    dependencies = [
        ("offers", "0007_offer_anonymised_at"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RunSQL(LEFTOVERS, migrations.RunSQL.noop),
    ]
