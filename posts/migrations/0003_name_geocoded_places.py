"""Posts placed through a network geocoder used to be named by its full address (street, house
number, postcode), shown on public pages next to the ~1 km public point. Rename them as new ones
are named: by the nearest gazetteer municipality or city district (places.geocoding). Gazetteer
names never hold a comma and geocoder addresses always do; a post with no gazetteer place
within reach keeps its name (reported by the migration)."""

from django.db import migrations


def rename(apps, schema_editor):
    from places.geocoding import MAX_GAZETTEER_NAMING_KM
    from places.gazetteer import get_gazetteer

    gazetteer = get_gazetteer()
    for label in ("offers.Offer", "needs.Need"):
        model = apps.get_model(label)
        for post in model.objects.filter(place_name__contains=",").only("pk", "location"):
            nearest = gazetteer.nearest(post.location.y, post.location.x)
            if nearest is None or nearest[1] > MAX_GAZETTEER_NAMING_KM:
                print(f"\n  {label} {post.pk}: no gazetteer place near, name kept")
                continue
            model.objects.filter(pk=post.pk).update(place_name=nearest[0].name)


class Migration(migrations.Migration):
    dependencies = [
        ("posts", "0002_seed_categories"),
        ("offers", "0005_public_location"),
        ("needs", "0005_public_location"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
