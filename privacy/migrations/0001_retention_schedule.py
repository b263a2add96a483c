from django.db import migrations


def create_schedule(apps, schema_editor):
    from privacy.schedules import schedules_ensure

    schedules_ensure(apps)


def delete_schedule(apps, schema_editor):
    from privacy.schedules import RETENTION_SCHEDULE

    apps.get_model("django_q", "Schedule").objects.filter(name=RETENTION_SCHEDULE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
