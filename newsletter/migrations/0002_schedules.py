from django.db import migrations


def create_schedules(apps, schema_editor):
    from newsletter.schedules import ensure_schedules

    ensure_schedules(apps.get_model("django_q", "Schedule"))


def delete_schedules(apps, schema_editor):
    from newsletter.schedules import SCHEDULES

    apps.get_model("django_q", "Schedule").objects.filter(
        name__in=[spec["name"] for spec in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("newsletter", "0001_initial"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]
    operations = [migrations.RunPython(create_schedules, delete_schedules)]
