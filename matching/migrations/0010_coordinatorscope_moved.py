# CoordinatorScope now lives in accounts (accounts/0002 renamed its table); only the state moves.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0009_match_withdrawn_pair"),
        ("accounts", "0002_coordinatorscope"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="CoordinatorScope")],
        ),
    ]
