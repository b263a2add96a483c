from django.db import migrations


def seed(apps, schema_editor):
    from posts.taxonomy import TAXONOMY

    Category = apps.get_model("posts", "Category")
    for position, (slug, cs, uk, en, sensitive, children) in enumerate(TAXONOMY, start=1):
        parent, _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name_cs": cs,
                "name_uk": uk,
                "name_en": en,
                "sensitive": sensitive,
                "position": position * 100,
                "parent": None,
            },
        )
        for child_position, (child_slug, child_cs, child_uk, child_en) in enumerate(children, 1):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={
                    "name_cs": child_cs,
                    "name_uk": child_uk,
                    "name_en": child_en,
                    "sensitive": False,
                    "position": position * 100 + child_position,
                    "parent": parent,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("posts", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
