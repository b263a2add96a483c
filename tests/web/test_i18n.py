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
    ("language", "pattern"),
    [
        ("cs", "%d.%m.%Y"),
        ("uk", "%d.%m.%Y"),
        ("ru", "%d.%m.%Y"),
        ("pl", "%d-%m-%Y"),  # Django's Polish short format
        ("en", "%m/%d/%Y"),
    ],
)
def test_dates_are_localised(client, volunteer, language, pattern):
    offer = factories.OfferFactory(owner=volunteer, valid_from=dt.date(2026, 3, 7))
    client.force_login(volunteer)
    html = client.get(f"/{language}/offers/{offer.pk}/").content.decode()
    assert dt.date(2026, 3, 7).strftime(pattern) in html


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "ru",
            [
                "Помощь, которая находит свой путь",
                "5 активных предложений",
                "Материальная помощь",  # category names from the taxonomy
                "Pomoc связывает людей, которые предлагают помощь",
            ],
        ),
        (
            "pl",
            [
                "Pomoc, która znajduje drogę",
                "5 aktywnych ofert",
                "Pomoc rzeczowa",
                "Pomoc łączy ludzi, którzy oferują pomoc",
            ],
        ),
    ],
)
def test_russian_and_polish_home_pages(client, language, texts):
    factories.OfferFactory.create_batch(5)
    html = client.get(f"/{language}/").content.decode()
    assert f'<html lang="{language}">' in html
    assert all(text in html for text in texts)
    assert "Help that finds its way" not in html


def test_language_switcher_offers_all_five_languages(client):
    html = client.get("/en/").content.decode()
    for code, name in [
        ("cs", "česky"),
        ("uk", "Українська"),
        ("ru", "Русский"),
        ("pl", "polski"),
        ("en", "English"),
    ]:
        assert f'<option value="{code}"' in html
        assert name.lower() in html.lower()


def test_switching_to_polish_is_remembered_for_a_signed_in_person(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/i18n/switch/", {"language": "pl", "next": "/pl/offers/new/"})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.preferred_language == "pl"
    html = client.get(response["Location"]).content.decode()
    assert "Zaoferuj pomoc" in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ru", "Пожалуйста, исправьте ошибки ниже."), ("pl", "Popraw błędy poniżej.")],
)
def test_form_errors_are_in_russian_and_polish(client, volunteer, language, expected):
    client.force_login(volunteer)
    response = client.post(f"/{language}/offers/new/", {"title": "x", "place_name": "Atlantida"})
    assert response.status_code == 400
    assert expected in response.content.decode()
