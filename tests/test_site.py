from __future__ import annotations

import pytest
from django.conf import settings
from django.core.management import call_command

from needs.models import Need
from offers.models import Offer
from posts.models import Category
from tests import factories

pytestmark = pytest.mark.django_db


def test_home_page_shows_counts_and_categories(client):
    factories.OfferFactory.create_batch(2)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert response.status_code == 200
    assert "2 active offers" in response.content.decode()
    assert "Material aid" in response.content.decode()


def test_admin_lists_offers_with_filters_for_a_coordinator(client):
    staff = factories.UserFactory(is_staff=True, is_superuser=True, roles=["coordinator"])
    factories.OfferFactory(title="Warm blankets")
    client.force_login(staff)
    response = client.get("/admin/offers/offer/?status__exact=active&q=blankets")
    assert response.status_code == 200
    assert "Warm blankets" in response.content.decode()


def test_category_taxonomy_is_seeded_in_every_language():
    housing = Category.objects.get(slug="accommodation")
    assert (
        housing.name_cs,
        housing.name_uk,
        housing.name_ru,
        housing.name_pl,
        housing.name_en,
    ) == (
        "Ubytování",
        "Житло",
        "Жильё",
        "Zakwaterowanie",
        "Accommodation",
    )
    # Every category the site ships with has a name in every language the site offers.
    for code, _name in settings.LANGUAGES:
        assert not Category.objects.filter(**{f"name_{code}": ""}).exists(), code
    assert housing.sensitive
    assert Category.objects.filter(parent=housing).count() >= 2
    top_level = set(Category.objects.filter(parent=None).values_list("slug", flat=True))
    assert {
        "material-aid",
        "transport",
        "interpreting",
        "czech-courses",
        "childcare",
        "other",
    } <= top_level


def test_seed_demo_covers_all_categories_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    counts = (Offer.objects.count(), Need.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Offer.objects.count(), Need.objects.count()) == counts
    assert counts[0] > 100 and counts[1] > 100
    used = set(Offer.objects.values_list("category__slug", flat=True))
    assert used == set(Category.objects.values_list("slug", flat=True))
    assert len(set(Need.objects.values_list("place_name", flat=True))) >= 15
