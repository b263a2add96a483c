"""Categories, place lookup, tokens and throttling."""

from __future__ import annotations

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from offers.models import Offer
from tests import factories
from tests.api.test_posts_api import new_offer_payload, new_post_payload

pytestmark = pytest.mark.django_db


def rate_limit(scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def test_categories_are_listed_with_parents_and_sensitivity_in_one_query(
    api, django_assert_num_queries
):
    with django_assert_num_queries(1):
        response = api.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="uk")
    by_slug = {category["slug"]: category for category in response.json()}
    assert by_slug["accommodation"]["sensitive"] is True
    assert by_slug["accommodation-short"]["parent"] == "accommodation"
    assert by_slug["clothes"]["name"] == "Одяг і взуття"
    assert by_slug["clothes"]["name_en"] == "Clothes and shoes"


@pytest.mark.parametrize(
    ("language", "name"), [("ru", "Одежда и обувь"), ("pl", "Odzież i obuwie")]
)
def test_categories_are_named_in_russian_and_polish(api, language, name):
    response = api.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE=language)
    clothes = next(row for row in response.json() if row["slug"] == "clothes")
    assert clothes["name"] == name
    assert (clothes["name_ru"], clothes["name_pl"]) == ("Одежда и обувь", "Odzież i obuwie")


def test_place_lookup_resolves_a_name_in_any_spelling_and_suggests(api):
    response = api.get("/api/v1/places/", {"q": "Пльзень"})
    assert response.status_code == 200
    assert response.json()["resolved"]["name"] == "Plzeň"
    assert response.json()["resolved"]["latitude"] == pytest.approx(49.7475, abs=0.01)

    suggestions = api.get("/api/v1/places/", {"q": "Brn", "limit": 3}).json()
    assert suggestions["resolved"] is None
    assert suggestions["error"]
    assert suggestions["suggestions"][0]["name"] == "Brno"
    assert len(suggestions["suggestions"]) <= 3


@pytest.mark.parametrize(
    ("query", "field"), [({}, "q"), ({"q": "x" * 201}, "q"), ({"q": "Brno", "limit": 0}, "limit")]
)
def test_place_lookup_bad_input(api, query, field):
    response = api.get("/api/v1/places/", query)
    assert response.status_code == 400
    assert field in response.json()


def test_token_is_obtained_with_email_and_password_and_authenticates(api, volunteer):
    response = api.post(
        "/api/v1/auth/token/",
        {"email": volunteer.email.upper(), "password": "correct horse battery"},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/offers/", new_offer_payload(), format="json").status_code == 201

    assert client.delete("/api/v1/auth/token/revoke/").status_code == 204
    assert not Token.objects.filter(user=volunteer).exists()
    assert client.post("/api/v1/offers/", new_offer_payload(), format="json").status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "nobody@example.org", "password": "x"}, "password"),
        ({"email": "not-an-email", "password": "x"}, "email"),
        ({"password": "x"}, "email"),
        ({"email": "a@example.org"}, "password"),
        ({"email": "a@example.org", "password": "x" * 201}, "password"),
    ],
)
def test_wrong_credentials_give_no_token(api, volunteer, body, field):
    response = api.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Token.objects.exists()


def test_wrong_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert api.get("/api/v1/offers/").status_code == 401


def test_password_guessing_is_throttled_per_ip(api, volunteer):
    limit = rate_limit("auth")
    wrong = {"email": volunteer.email, "password": "guess"}
    codes = [
        api.post("/api/v1/auth/token/", wrong, format="json").status_code for _ in range(limit + 1)
    ]
    # The throttle stops the address after `limit` requests; django-axes has locked the
    # account (and the address) at its own limit by then (tests/security/test_login_guessing.py).
    assert codes[0] == 400
    assert codes[-1] == 429
    right = {"email": volunteer.email, "password": "correct horse battery"}
    assert api.post("/api/v1/auth/token/", right, format="json").status_code == 429
    # Another person at another address is not affected.
    other_user = factories.UserFactory()
    other = APIClient(REMOTE_ADDR="10.9.8.7")
    right_other = {"email": other_user.email, "password": "correct horse battery"}
    assert other.post("/api/v1/auth/token/", right_other, format="json").status_code == 200


def test_creating_posts_is_throttled_per_user(client_for, volunteer, settings):
    limit = rate_limit("post_create")
    # The posting limit (web and API together, tests/security/test_post_limit.py) would refuse
    # first; lift it to see DRF's own throttle.
    settings.POMOC_POST_RATE_LIMIT = limit + 10
    client = client_for(volunteer)
    codes = [
        client.post("/api/v1/offers/", new_offer_payload(), format="json").status_code
        for _ in range(limit + 1)
    ]
    assert codes[:limit] == [201] * limit
    assert codes[-1] == 429
    assert "Retry-After" in client.post("/api/v1/needs/", new_post_payload(), format="json")
    assert Offer.objects.count() == limit
    # Reading and another user's posting go on.
    assert client.get("/api/v1/offers/").status_code == 200
    other = client_for(factories.UserFactory())
    assert other.post("/api/v1/offers/", new_offer_payload(), format="json").status_code == 201


def test_anonymous_reading_is_throttled_per_ip_but_not_for_signed_in_users(
    api, client_for, volunteer
):
    limit = rate_limit("anon")
    codes = [api.get("/api/v1/categories/").status_code for _ in range(limit + 1)]
    assert codes[:limit] == [200] * limit
    assert codes[-1] == 429
    assert "detail" in api.get("/api/v1/categories/").json()
    assert APIClient(REMOTE_ADDR="10.1.2.3").get("/api/v1/categories/").status_code == 200
    assert client_for(volunteer).get("/api/v1/categories/").status_code == 200


def test_saving_a_user_without_changing_the_password_keeps_the_token(client_for, volunteer):
    # Only a new password revokes tokens (tests/security/test_token_lifetime.py).
    client = client_for(volunteer)
    volunteer.display_name = "Olena"
    volunteer.save()
    assert client.post("/api/v1/offers/", {}, format="json").status_code == 400
