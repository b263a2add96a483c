from django.db import migrations


def create_schedule(apps, schema_editor):
    from rights.schedules import schedules_ensure

    schedules_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("rights", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, migrations.RunPython.noop)]
