from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from posts.models import PostStatus
from tests import factories

pytestmark = pytest.mark.django_db

# A point in Praha with more decimals than anyone should see.
EXACT = Point(14.4378123, 50.0755456, srid=4326)


def test_anonymous_sees_no_owner_contacts_or_exact_position(client):
    owner = factories.UserFactory(
        email="owner@example.org", display_name="Jana Nováková", phone="+420 777 123 456"
    )
    organisation = factories.OrganisationFactory(email="ngo@example.org", phone="+420 222 333 444")
    offer = factories.OfferFactory(
        owner=owner, organisation=organisation, title="Warm soup", location=EXACT
    )
    for url in ["/en/offers/", f"/en/offers/{offer.pk}/", "/en/offers/?place=Praha&radius_km=5"]:
        html = client.get(url).content.decode()
        assert "Warm soup" in html
        assert "Praha" in html
        for secret in [
            "owner@example.org",
            "Jana Nováková",
            "777 123 456",
            "ngo@example.org",
            "222 333 444",
            "14.4378",
            "50.0755",
        ]:
            assert secret not in html, (url, secret)


def test_other_signed_in_user_sees_no_contacts_either(client, volunteer):
    owner = factories.UserFactory(email="owner@example.org", phone="+420 777 123 456")
    offer = factories.OfferFactory(owner=owner)
    client.force_login(volunteer)
    html = client.get(f"/en/offers/{offer.pk}/").content.decode()
    assert "owner@example.org" not in html and "777 123 456" not in html
    assert "Edit" not in html


@pytest.mark.parametrize("app", ["offers", "needs"])
def test_sensitive_posts_hidden_from_anonymous_and_unverified(client, volunteer, app):
    factory = factories.OfferFactory if app == "offers" else factories.NeedFactory
    post = factory(category=factories.category("accommodation-long"), title="Room for a mother")
    unverified = factories.UserFactory(roles=["organisation_staff"])
    factories.MembershipFactory(user=unverified, organisation__verified=False)
    for user in [None, volunteer, unverified]:
        client.logout()
        if user:
            client.force_login(user)
        assert "Room for a mother" not in client.get(f"/en/{app}/").content.decode()
        assert client.get(f"/en/{app}/{post.pk}/").status_code == 404


def test_sensitive_posts_shown_to_verified_staff_and_coordinators(
    client, verified_staff, coordinator
):
    offer = factories.OfferFactory(category=factories.category("accommodation"), title="Flat")
    for user in [verified_staff, coordinator]:
        client.force_login(user)
        assert "Flat" in client.get("/en/offers/").content.decode()
        assert client.get(f"/en/offers/{offer.pk}/").status_code == 200


def test_search_by_place_and_radius_sorted_by_distance(client):
    factories.OfferFactory(title="In Praha", place_name="Praha", location=factories.PRAHA)
    factories.OfferFactory(title="In Brno", place_name="Brno", location=factories.BRNO)
    kladno = factories.OfferFactory(
        title="In Kladno", place_name="Kladno", location=Point(14.1030, 50.1473, srid=4326)
    )
    response = client.get("/en/offers/?place=Praha&radius_km=50&sort=distance")
    titles = [post.title for post in response.context["page"]]
    assert titles == ["In Praha", kladno.title]
    assert "about 24 km away" in response.content.decode()
    response = client.get("/en/offers/?place=brno&radius_km=500&sort=distance")
    assert response.context["page"][0].title == "In Brno"


def test_search_filters_category_language_remote_and_text(client):
    factories.OfferFactory(title="Coats", category=factories.category("clothes"))
    factories.OfferFactory(title="Lift", category=factories.category("transport"))
    factories.OfferFactory(
        title="Online Czech",
        remote=True,
        languages=["ru"],
        category=factories.category("czech-courses"),
    )
    factories.OfferFactory(title="Boots", description="winter boots size 38")

    def titles(query):
        response = client.get(f"/en/offers/?{query}")
        assert response.status_code == 200
        return {post.title for post in response.context["page"]}

    assert titles("category=material-aid") == {"Coats", "Boots"}
    assert titles("category=transport") == {"Lift"}
    assert titles("language=ru") == {"Online Czech"}
    assert titles("remote=on") == {"Online Czech"}
    assert titles("q=WINTER") == {"Boots"}


def test_search_shows_only_active_posts(client):
    factories.OfferFactory(title="Active one")
    factories.OfferFactory(title="Paused one", status=PostStatus.PAUSED)
    factories.OfferFactory(title="Withdrawn one", status=PostStatus.WITHDRAWN)
    html = client.get("/en/offers/").content.decode()
    assert "Active one" in html
    assert "Paused one" not in html and "Withdrawn one" not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("radius_km=-5&place=Praha", "radius_km"),
        ("radius_km=10000&place=Praha", "radius_km"),
        ("radius_km=abc", "radius_km"),
        ("place=Atlantis%20on%20the%20Moon", "place"),
        ("language=xx", "language"),
        ("category=no-such-category", "category"),
        ("sort=random", "sort"),
    ],
)
def test_bad_search_input_shows_an_error_not_a_500(client, query, field):
    factories.OfferFactory()
    response = client.get(f"/en/offers/?{query}")
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()


def test_list_is_paginated(client):
    factories.OfferFactory.create_batch(25)
    first = client.get("/en/offers/")
    assert len(first.context["page"]) == 20
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/en/offers/?page=2")
    assert len(second.context["page"]) == 5
    assert client.get("/en/offers/?page=abc").status_code == 200


@pytest.mark.parametrize("app", ["offers", "needs"])
def test_list_page_query_count_does_not_grow_with_posts(client, django_assert_num_queries, app):
    factory = factories.OfferFactory if app == "offers" else factories.NeedFactory
    factory.create_batch(3)
    # Count, one page of posts with their categories, the category filter's options.
    with django_assert_num_queries(3):
        client.get(f"/en/{app}/")
    factory.create_batch(15, organisation=factories.OrganisationFactory())
    with django_assert_num_queries(3):
        client.get(f"/en/{app}/?place=Praha&radius_km=30&language=uk")


def test_my_posts_query_count_is_pinned(client, volunteer, django_assert_num_queries):
    client.force_login(volunteer)
    factories.OfferFactory.create_batch(5, owner=volunteer)
    factories.NeedFactory.create_batch(5, owner=volunteer)
    # Session, user, offers, needs.
    with django_assert_num_queries(4):
        client.get("/en/my/")
