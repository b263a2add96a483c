"""Phones become E.164 (django-phonenumber-field). Each stored phone is parsed (numbers without
a country code as Czech); a number that cannot be parsed as a valid one is cleared rather than
kept in a form nobody can dial from abroad, and the migration says how many there were."""

import phonenumber_field.modelfields
import phonenumbers
from django.db import migrations

DEFAULT_REGION = "CZ"


def normalise_phones(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    cleared = normalised = 0
    for pk, raw in User.objects.exclude(phone="").values_list("pk", "phone").iterator():
        try:
            number = phonenumbers.parse(str(raw), DEFAULT_REGION)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            User.objects.filter(pk=pk).update(phone="")
            cleared += 1
            continue
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if e164 != raw:
            User.objects.filter(pk=pk).update(phone=e164)
            normalised += 1
    if cleared or normalised:
        print(
            f"\n  accounts.0003: {normalised} phone(s) rewritten in E.164, "
            f"{cleared} unparseable phone(s) cleared"
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_coordinatorscope")]

    operations = [
        migrations.RunPython(normalise_phones, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=phonenumber_field.modelfields.PhoneNumberField(
                blank=True, max_length=128, region=None, verbose_name="phone"
            ),
        ),
    ]
