from __future__ import annotations

import datetime as dt

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_ukrainian_home_page_is_in_ukrainian(client):
    factories.OfferFactory.create_batch(5)
    html = client.get("/uk/").content.decode()
    assert '<html lang="uk">' in html
    assert "Допомога, що знаходить свій шлях" in html
    assert "5 активних пропозицій" in html
    assert "Матеріальна допомога" in html  # category names from the taxonomy
    assert "Help that finds its way" not in html


def test_czech_home_page_is_in_czech(client):
    factories.OfferFactory.create_batch(2)
    html = client.get("/cs/").content.decode()
    assert "Pomoc, která si najde cestu" in html
    assert "2 aktivní nabídky" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("cs", "Nabídnout pomoc"), ("uk", "Запропонувати допомогу"), ("en", "Offer help")],
)
def test_post_form_is_translated(client, volunteer, language, expected):
    client.force_login(volunteer)
    html = client.get(f"/{language}/offers/new/").content.decode()
    assert expected in html


def test_form_errors_are_translated(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/uk/offers/new/", {"title": "x", "place_name": "Atlantida"})
    assert response.status_code == 400
    assert "Будь ласка, виправте помилки нижче." in response.content.decode()


def test_place_error_from_the_geocoder_is_translated(client):
    html = client.get("/uk/needs/?place=Atlantida").content.decode()
    assert "Місце Atlantida не знайдено" in html


def test_signup_page_is_translated(client):
    html = client.get("/uk/accounts/signup/").content.decode()
    assert "Я хочу" in html
    assert "знайти допомогу для себе або своєї родини" in html


@pytest.mark.parametrize(
    ("language", "pattern"), [("cs", "%d.%m.%Y"), ("uk", "%d.%m.%Y"), ("en", "%m/%d/%Y")]
)
def test_dates_are_localised(client, volunteer, language, pattern):
    offer = factories.OfferFactory(owner=volunteer, valid_from=dt.date(2026, 3, 7))
    client.force_login(volunteer)
    html = client.get(f"/{language}/offers/{offer.pk}/").content.decode()
    assert dt.date(2026, 3, 7).strftime(pattern) in html
