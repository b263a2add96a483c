from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from offers.models import Offer
from offers.services import offer_create
from tests import factories
from tests.web.test_post_pages import offer_data

pytestmark = pytest.mark.django_db


def test_accommodation_offer_saves_its_details(client, volunteer, coordinator):
    client.force_login(volunteer)
    data = offer_data(
        category=factories.category("accommodation-long").pk,
        capacity="3",
        details_pets="on",
        # A transport answer typed before switching category is dropped.
        details_cargo="on",
    )
    response = client.post("/en/offers/new/", data)
    assert response.status_code == 302
    offer = Offer.objects.get()
    # The beds are the capacity, not a detail that could say something else.
    assert offer.capacity == 3
    assert offer.details == {"pets": True, "accessible": False}
    client.force_login(coordinator)  # accommodation is sensitive
    html = client.get(f"/en/offers/{offer.pk}/").content.decode()
    assert "<dt>Beds</dt><dd>3</dd>" in html and "Pets welcome" in html


def test_transport_details_and_edit_prefill(client, volunteer):
    client.force_login(volunteer)
    data = offer_data(
        category=factories.category("transport").pk, capacity="5", details_vehicle="van"
    )
    client.post("/en/offers/new/", data)
    offer = Offer.objects.get()
    assert (offer.capacity, offer.details) == (5, {"vehicle": "van", "cargo": False})
    form = client.get(f"/en/offers/{offer.pk}/edit/").context["form"]
    assert form["capacity"].value() == 5
    assert form["capacity"].label == "Seats"
    assert form["details_vehicle"].value() == "van"


@pytest.mark.parametrize(
    ("category", "overrides", "field"),
    [
        ("accommodation", {"capacity": "0"}, "capacity"),
        ("accommodation", {"capacity": ""}, "capacity"),
        ("transport", {"details_vehicle": "rocket"}, "details_vehicle"),
        (
            "interpreting",
            {"details_language_from": "uk", "details_language_to": "uk"},
            "details_language_to",
        ),
        ("interpreting", {"details_language_from": "xx"}, "details_language_from"),
        ("clothes", {"details_condition": "broken"}, "details_condition"),
    ],
)
def test_bad_details_show_error_on_the_field(client, volunteer, category, overrides, field):
    client.force_login(volunteer)
    data = offer_data(category=factories.category(category).pk, **overrides)
    response = client.post("/en/offers/new/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Offer.objects.exists()


def test_services_refuse_details_of_another_category(volunteer):
    # The API and the admin go through the same model rules as the web form.
    with pytest.raises(ValidationError) as error:
        offer_create(
            owner=volunteer,
            category=factories.category("clothes"),
            title="Coats",
            place_name="Praha",
            languages=["cs"],
            details={"beds": 2},
        )
    assert "details" in error.value.message_dict
    assert not Offer.objects.exists()
