from django.db import migrations, models


def name_in_russian_and_polish(apps, schema_editor):
    from posts.taxonomy import MORE_NAMES

    Category = apps.get_model("posts", "Category")
    for slug, names in MORE_NAMES.items():
        Category.objects.filter(slug=slug).update(name_ru=names["ru"], name_pl=names["pl"])
    # Categories a coordinator added in the admin start with the English name; Category.name
    # reads an empty column as English anyway, the copy only makes the admin form valid.
    Category.objects.filter(name_ru="").update(name_ru=models.F("name_en"))
    Category.objects.filter(name_pl="").update(name_pl=models.F("name_en"))


class Migration(migrations.Migration):
    dependencies = [("posts", "0006_category_lifetime_days")]

    operations = [
        migrations.AddField(
            model_name="category",
            name="name_ru",
            field=models.CharField(default="", max_length=100, verbose_name="name (Russian)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="category",
            name="name_pl",
            field=models.CharField(default="", max_length=100, verbose_name="name (Polish)"),
            preserve_default=False,
        ),
        migrations.RunPython(name_in_russian_and_polish, migrations.RunPython.noop),
    ]
