# The scope of a coordinator moved from matching to accounts: it now decides everything a
# coordinator may see or do, not only the match queue. The table is renamed, not recreated, so
# existing scopes stay.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("matching", "0009_match_withdrawn_pair"),
        ("posts", "0002_seed_categories"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE matching_coordinatorscope RENAME TO accounts_coordinatorscope",
                    "ALTER TABLE accounts_coordinatorscope RENAME TO matching_coordinatorscope",
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name="CoordinatorScope",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "region",
                            models.CharField(blank=True, max_length=100, verbose_name="region"),
                        ),
                        (
                            "platform",
                            models.BooleanField(
                                default=False, verbose_name="platform coordinator"
                            ),
                        ),
                        (
                            "category",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coordinator_scopes",
                                to="posts.category",
                                verbose_name="category",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coordinator_scopes",
                                to="accounts.organisation",
                                verbose_name="organisation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="coordinator_scopes",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="coordinator",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "coordinator scope",
                        "verbose_name_plural": "coordinator scopes",
                    },
                ),
            ],
        ),
    ]
