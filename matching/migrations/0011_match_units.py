"""How many units of its offer's capacity a match holds (posts/units.py). Existing matches of a
room or a lift hold one bed or seat per person of their need; all others one unit."""

from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE matching_match m SET units = n.people_count
FROM needs_need n JOIN posts_category c ON c.id = n.category_root_id
WHERE n.id = m.need_id AND c.slug IN ('accommodation', 'transport') AND n.people_count > 1
"""


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0010_coordinatorscope_moved'),
        ('needs', '0005_public_location'),
        ('offers', '0005_public_location'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='match',
            name='units',
            field=models.PositiveIntegerField(db_default=1, default=1, verbose_name='units'),
        ),
        migrations.AddConstraint(
            model_name='match',
            constraint=models.CheckConstraint(condition=models.Q(('units__gte', 1)), name='match_units_at_least_1'),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
