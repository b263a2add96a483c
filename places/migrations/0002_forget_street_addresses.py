"""Cached network answers used to be named by their full address (street and house number),
which became posts' public place names. Forget them: each name is asked again and then named by
its municipality or city district only (places.geocoding.public_place_name)."""

from django.db import migrations


def forget_found_answers(apps, schema_editor):
    apps.get_model("places", "GeocodeCache").objects.filter(found=True).delete()


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]

    operations = [migrations.RunPython(forget_found_answers, migrations.RunPython.noop)]
