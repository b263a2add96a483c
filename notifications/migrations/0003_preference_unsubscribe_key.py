# Unsubscribe links carry a random per-user key instead of the signed user id (issue 10,
# attack 8). Added in three steps so every existing row gets its own key before the column
# becomes unique.
import secrets

from django.db import migrations, models

import notifications.models


def fill_keys(apps, schema_editor):
    Preference = apps.get_model("notifications", "Preference")
    for preference in Preference.objects.filter(unsubscribe_key__isnull=True).only("pk"):
        preference.unsubscribe_key = secrets.token_urlsafe(32)
        preference.save(update_fields=["unsubscribe_key"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_schedules"),
    ]

    operations = [
        migrations.AddField(
            model_name="preference",
            name="unsubscribe_key",
            field=models.CharField(
                editable=False, max_length=64, null=True, verbose_name="unsubscribe key"
            ),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="preference",
            name="unsubscribe_key",
            field=models.CharField(
                default=notifications.models.new_unsubscribe_key,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="unsubscribe key",
            ),
        ),
    ]
