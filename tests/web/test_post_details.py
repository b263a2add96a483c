from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from needs.models import Need
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


def need_data(**overrides):
    data = offer_data(people_count="1", urgency="2", **overrides)
    data.pop("capacity")
    return data


def test_an_accommodation_offer_without_beds_is_shown_the_form_again_asking_for_them(
    client, volunteer
):
    client.force_login(volunteer)
    data = offer_data(category=factories.category("accommodation-long").pk, capacity="")
    response = client.post("/en/offers/new/", data)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["capacity"] == ["Say how many beds the accommodation has."]
    # The field is labelled in the category's unit.
    assert form["capacity"].label == "Beds"
    assert '<label for="id_capacity">Beds' in response.content.decode()
    assert not Offer.objects.exists()


def test_the_offer_form_tells_the_script_each_categorys_unit(client, volunteer):
    client.force_login(volunteer)
    html = client.get("/en/offers/new/").content.decode()
    assert 'id="capacity-units"' in html
    assert '"accommodation": {"label": "Beds"' in html
    # An offer's items are its capacity: no separate quantity to contradict it.
    assert 'name="details_quantity"' not in html
    assert 'name="details_quantity"' in client.get("/en/needs/new/").content.decode()


def test_a_material_aid_need_saves_its_quantity(client, refugee):
    client.force_login(refugee)
    response = client.post("/en/needs/new/", need_data(details_quantity="10"))
    assert response.status_code == 302
    assert Need.objects.get().details == {"quantity": 10}


@pytest.mark.parametrize("quantity", ["0", "-3", "ten", "1000000"])
def test_a_bad_quantity_shows_the_error_on_the_field(client, refugee, quantity):
    client.force_login(refugee)
    response = client.post("/en/needs/new/", need_data(details_quantity=quantity))
    assert response.status_code == 400
    assert "details_quantity" in response.context["form"].errors
    assert 'id="id_details_quantity_error"' in response.content.decode()
    assert not Need.objects.exists()
