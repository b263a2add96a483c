"""Bad input, tried as a new user would: a 400 naming the field, never a 500, nothing saved."""

from __future__ import annotations

import pytest

from needs.models import Need
from offers.models import Offer
from tests import factories
from tests.api.test_posts_api import new_offer_payload, new_post_payload

pytestmark = pytest.mark.django_db

BAD_POSTS = [
    # (what a person got wrong, the body change, the field the error must name)
    ("no title", {"title": None}, "title"),
    ("blank title", {"title": "   "}, "title"),
    ("missing place", {"place_name": None}, "place_name"),
    ("unknown place", {"place_name": "Atlantis"}, "place_name"),
    ("unknown category", {"category": "unicorns"}, "category"),
    ("radius -5", {"radius_km": -5}, "radius_km"),
    ("radius 10 000", {"radius_km": 10_000}, "radius_km"),
    ("radius as words", {"radius_km": "ten"}, "radius_km"),
    ("100 kB description", {"description": "x" * 100_000}, "description"),
    ("title too long", {"title": "t" * 201}, "title"),
    ("unknown language", {"languages": ["cs", "xx"]}, "languages"),
    ("no language", {"languages": []}, "languages"),
    ("languages as a string", {"languages": "cs"}, "languages"),
    ("language as a number", {"languages": [7]}, "languages"),
    ("title as an object", {"title": {"cs": "Kabáty"}}, "title"),
    ("remote as words", {"remote": "maybe"}, "remote"),
    (
        "valid_until before valid_from",
        {"valid_from": "2030-05-02", "valid_until": "2030-05-01"},
        "valid_until",
    ),
    ("a date that is not a date", {"valid_from": "next tuesday"}, "valid_from"),
    ("foreign organisation", {"organisation": "OTHER_ORG"}, "organisation"),
    ("organisation that does not exist", {"organisation": 999_999}, "organisation"),
    ("new post as fulfilled", {"status": "fulfilled"}, "status"),
    ("latitude typed into the body", {"latitud": 123}, "latitud"),
    ("NUL character", {"title": "Coats\x00"}, "title"),
]


def body_with(change: dict, segment: str = "offers") -> dict:
    body = new_offer_payload() if segment == "offers" else new_post_payload()
    for key, value in change.items():
        if value is None:
            body.pop(key)
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(("segment", "model"), [("offers", Offer), ("needs", Need)])
@pytest.mark.parametrize(("mistake", "change", "field"), BAD_POSTS, ids=[b[0] for b in BAD_POSTS])
def test_bad_new_post_is_refused_naming_the_field_and_nothing_is_saved(
    client_for, volunteer, segment, model, mistake, change, field
):
    if change.get("organisation") == "OTHER_ORG":
        change = {"organisation": factories.OrganisationFactory().pk}

    response = client_for(volunteer).post(
        f"/api/v1/{segment}/", body_with(change, segment), format="json"
    )

    assert response.status_code == 400, (mistake, response.content)
    assert response["Content-Type"] == "application/json"
    assert field in response.json(), response.json()
    assert model.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"capacity": 10**12}, "capacity"),
    ],
)
def test_bad_offer_only_fields(client_for, volunteer, change, field):
    response = client_for(volunteer).post("/api/v1/offers/", body_with(change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Offer.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [({"people_count": -1}, "people_count"), ({"urgency": 9}, "urgency")],
)
def test_bad_need_only_fields(client_for, volunteer, change, field):
    response = client_for(volunteer).post(
        "/api/v1/needs/", body_with(change, "needs"), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert Need.objects.count() == 0


def test_a_body_that_is_not_json_is_a_clear_400(client_for, volunteer):
    response = client_for(volunteer).post(
        "/api/v1/offers/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_list_instead_of_an_object_is_a_clear_400(client_for, volunteer):
    response = client_for(volunteer).post("/api/v1/offers/", [1, 2], format="json")
    assert response.status_code == 400
    assert Offer.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"place_name": "Atlantis"}, "place_name"),
        ({"radius_km": 10_000}, "radius_km"),
        ({"languages": ["klingon"]}, "languages"),
        ({"valid_until": "2000-01-01"}, "valid_until"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_update_changes_nothing(client_for, volunteer, change, field):
    offer = factories.OfferFactory(owner=volunteer, title="Kept", radius_km=7)
    # Several fields at once: the good ones must not be saved when one is bad.
    response = client_for(volunteer).patch(
        f"/api/v1/offers/{offer.pk}/", {"description": "changed", **change}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    offer.refresh_from_db()
    assert (offer.title, offer.radius_km, offer.description) == ("Kept", 7, "")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("latitude=123&longitude=14", "latitude"),
        ("latitude=50&longitude=200", "longitude"),
        ("latitude=50", "longitude"),
        ("latitude=north&longitude=14", "latitude"),
        ("place=Praha&radius_km=-5", "radius_km"),
        ("place=Praha&radius_km=10000", "radius_km"),
        ("place=Atlantis", "place"),
        ("category=unicorns", "category"),
        ("language=xx", "language"),
        ("ordering=distance", "ordering"),
        ("ordering=owner__email", "ordering"),
        ("remote=maybe", "remote"),
        ("q=" + "x" * 300, "q"),
        ("q=a%00b", "q"),
    ],
)
@pytest.mark.parametrize("segment", ["offers", "needs"])
def test_bad_search_parameters_are_a_400_naming_the_parameter(api, segment, query, field):
    response = api.get(f"/api/v1/{segment}/?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize("status", ["closed", "", None])
def test_unknown_status_is_a_400(client_for, volunteer, status):
    offer = factories.OfferFactory(owner=volunteer)
    body = {} if status is None else {"status": status}
    response = client_for(volunteer).post(f"/api/v1/offers/{offer.pk}/status/", body, format="json")
    assert response.status_code == 400
    assert "status" in response.json()


@pytest.mark.parametrize("pk", ["abc", "99999999999999999999999", "0"])
def test_odd_ids_are_404(api, pk):
    assert api.get(f"/api/v1/offers/{pk}/").status_code == 404
