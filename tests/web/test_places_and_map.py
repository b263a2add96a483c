from __future__ import annotations

import pytest

from offers.models import Offer
from tests import factories
from tests.web.test_post_pages import offer_data

pytestmark = pytest.mark.django_db


def test_place_check_shows_what_a_name_resolves_to(client):
    response = client.get("/en/places/check/", {"q": "plzen"})
    assert response.status_code == 200
    assert response.json()["name"] == "Plzeň"
    assert response.json()["region"]


@pytest.mark.parametrize("query", ["", "Atlantis on the Moon", "x" * 300])
def test_place_check_explains_a_bad_name(client, query):
    response = client.get("/uk/places/check/", {"q": query})
    assert response.status_code == 400
    assert response.json()["error"]


def test_point_picked_on_the_map_refines_the_place(client, volunteer):
    client.force_login(volunteer)
    # A point in the north of Brno, a few km from the centre.
    data = offer_data(place_name="Brno", latitude="49.2300", longitude="16.5800")
    assert client.post("/en/offers/new/", data).status_code == 302
    offer = Offer.objects.get()
    assert (offer.place_name, offer.location.y, offer.location.x) == ("Brno", 49.23, 16.58)


def test_map_point_far_from_the_place_is_refused(client, volunteer):
    client.force_login(volunteer)
    data = offer_data(place_name="Brno", latitude="50.08", longitude="14.42")
    response = client.post("/en/offers/new/", data)
    assert response.status_code == 400
    assert "km from Brno" in str(response.context["form"].errors["place_name"])
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    "coordinates",
    [
        {"latitude": "123", "longitude": "16.58"},
        {"latitude": "49.2", "longitude": "500"},
        {"latitude": "49.2", "longitude": ""},
        {"latitude": "north", "longitude": "16.58"},
    ],
)
def test_bad_map_coordinates_are_refused(client, volunteer, coordinates):
    client.force_login(volunteer)
    response = client.post("/en/offers/new/", offer_data(**coordinates))
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Offer.objects.exists()


def test_owner_refines_the_point_when_editing(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer)
    client.force_login(volunteer)
    data = offer_data(place_name="Praha", latitude="50.10", longitude="14.40")
    assert client.post(f"/en/offers/{offer.pk}/edit/", data).status_code == 302
    offer.refresh_from_db()
    assert (offer.location.y, offer.location.x) == (50.10, 14.40)


def test_results_map_gets_only_rounded_positions_and_local_leaflet(client):
    factories.OfferFactory(title="Soup", location=factories.PRAHA)
    html = client.get("/en/offers/").content.decode()
    assert '"lat": 50.09' in html and '"lon": 14.42' in html
    assert "50.08804" not in html and "14.42076" not in html
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert "unpkg" not in html and "cdn" not in html.lower()


def test_post_form_loads_leaflet_from_our_static_files(client, volunteer):
    client.force_login(volunteer)
    html = client.get("/en/offers/new/").content.decode()
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert 'id="place-map"' in html
