"""The API names an offer's capacity in its category's unit and requires what the matcher
needs, with a 400 naming the field."""

from __future__ import annotations

import pytest

from needs.models import Need
from offers.models import Offer
from tests import factories
from tests.api.test_posts_api import new_post_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("accommodation-long", "Say how many beds the accommodation has."),
        ("transport-people", "Say how many seats you offer."),
        ("clothes", "Say how many items you give away."),
    ],
)
def test_an_offer_without_its_beds_seats_or_items_is_refused_naming_the_capacity(
    client_for, volunteer, category, message
):
    response = client_for(volunteer).post(
        "/api/v1/offers/",
        new_post_payload(category=category),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"capacity": [message]}
    assert not Offer.objects.exists()


def test_a_session_offer_may_leave_the_capacity_at_one(client_for, volunteer):
    response = client_for(volunteer).post(
        "/api/v1/offers/", new_post_payload(category="tutoring"), format="json"
    )
    assert response.status_code == 201
    assert (response.json()["capacity"], response.json()["capacity_unit"]) == (1, "places")


def test_an_offer_shows_its_capacity_in_its_unit(client_for, volunteer):
    response = client_for(volunteer).post(
        "/api/v1/offers/",
        new_post_payload(category="accommodation-long", capacity=4, details={"pets": True}),
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = (
        client_for(volunteer)
        .get(f"/api/v1/offers/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="en")
        .json()
    )
    assert (body["capacity"], body["capacity_unit"], body["capacity_label"]) == (4, "beds", "Beds")
    assert body["details"] == {"pets": True}


@pytest.mark.parametrize(
    ("category", "details"),
    [
        ("accommodation-long", {"beds": 4}),
        ("transport-people", {"seats": 4}),
        ("clothes", {"quantity": 4}),
    ],
)
def test_an_offer_repeating_its_capacity_as_a_detail_is_told_to_use_the_capacity(
    client_for, volunteer, category, details
):
    response = client_for(volunteer).post(
        "/api/v1/offers/",
        new_post_payload(category=category, capacity=4, details=details),
        format="json",
    )
    assert response.status_code == 400
    [message] = response.json()["details"]
    assert message.startswith(f"{next(iter(details))}: ") and "capacity" in message


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("accommodation-short", "Say how many people need a place to sleep."),
        ("transport-people", "Say how many people travel."),
    ],
)
def test_a_need_for_a_room_or_a_lift_must_say_how_many_people(
    client_for, volunteer, category, message
):
    response = client_for(volunteer).post(
        "/api/v1/needs/",
        new_post_payload(category=category),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json() == {"people_count": [message]}
    assert not Need.objects.exists()


def test_a_material_aid_need_gives_its_quantity(client_for, volunteer):
    response = client_for(volunteer).post(
        "/api/v1/needs/", new_post_payload(details={"quantity": 10}), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["details"] == {"quantity": 10}
    assert Need.objects.get().details == {"quantity": 10}


@pytest.mark.parametrize(
    "details",
    [{"quantity": 0}, {"quantity": "ten"}, {"quantity": 10**9}, "ten coats", ["quantity"]],
)
def test_a_bad_quantity_is_a_400_naming_it(client_for, volunteer, details):
    response = client_for(volunteer).post(
        "/api/v1/needs/", new_post_payload(details=details), format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "details" in response.json()
    assert not Need.objects.exists()


def test_an_offer_list_names_units_without_a_query_per_offer(
    client_for, coordinator, django_assert_max_num_queries
):
    # A coordinator, who sees accommodation (a sensitive category) too.
    for slug in ("accommodation-long", "transport-people", "clothes", "tutoring"):
        factories.OfferFactory(category=factories.category(slug))
    client = client_for(coordinator)
    with django_assert_max_num_queries(7):
        body = client.get("/api/v1/offers/").json()
    results = body["results"] if isinstance(body, dict) else body
    assert sorted(offer["capacity_unit"] for offer in results) == [
        "beds",
        "items",
        "places",
        "seats",
    ]
