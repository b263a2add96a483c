"""Pomoc for the Polish consortium: Poland's places next to Czechia's, chosen by POMOC_COUNTRIES."""

from __future__ import annotations

import io
import math

import pytest
from django.core.management import call_command
from django.utils import translation

from matching import engine
from matching.models import Match
from needs.models import Need
from needs.services import need_create
from offers.models import Offer
from offers.services import offer_create
from places.gazetteer import get_gazetteer
from places.geocoding import PlaceNotFound, place_resolve
from places.scripts.build_gazetteer import COUNTRIES, build_rows
from places.text import normalize_name
from tests.factories import UserFactory, category


@pytest.fixture
def both_countries(settings):
    settings.POMOC_COUNTRIES = ["cz", "pl"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Warszawa", "Warszawa"),
        ("Warsaw", "Warszawa"),  # Latin / English
        ("Варшава", "Warszawa"),  # Ukrainian
        ("Lodz", "Łódź"),  # Ł is not an accented L: typed without it all the same
        ("ŁÓDŹ", "Łódź"),
        ("Лодзь", "Łódź"),
        ("Краків", "Kraków"),
        ("Krakiv", "Kraków"),
        ("Bialystok", "Białystok"),
        ("Przemysl", "Przemyśl"),
        ("Mokotów", "Warszawa-Mokotów"),  # Warsaw's districts carry the city's name
        ("Praha", "Praha"),  # Czechia is still there
    ],
)
def test_polish_places_are_found_by_polish_latin_and_ukrainian_spellings(
    both_countries, typed, expected
):
    place = get_gazetteer().lookup(typed)
    assert place is not None
    assert place.name == expected


def test_a_polish_place_carries_its_voivodeship_and_country(both_countries):
    krakow = place_resolve("Krakow")
    assert krakow.name == "Kraków"
    assert krakow.region == "województwo małopolskie"
    assert (krakow.point.x, krakow.point.y) == pytest.approx((19.94, 50.06), abs=0.05)
    assert get_gazetteer().lookup("Krakow").country == "pl"


def test_the_setting_limits_the_countries(db):
    # The default serves Czechia only: a Polish town is unknown, with the usual clear error.
    assert get_gazetteer().lookup("Przemyśl") is None
    with translation.override("en"), pytest.raises(PlaceNotFound) as error:
        place_resolve("Przemyśl")
    assert "No place called" in error.value.messages[0]


def test_poland_alone_knows_no_czech_towns(settings):
    settings.POMOC_COUNTRIES = ["pl"]
    assert get_gazetteer().lookup("Brno") is None
    assert get_gazetteer().lookup("Poznań").name == "Poznań"


def test_place_check_page_resolves_a_polish_name(both_countries, client):
    response = client.get("/en/places/check/", {"q": "Wroclaw"})
    assert response.status_code == 200
    assert "Wrocław" in response.content.decode()


def test_places_api_autocompletes_polish_names(both_countries, client):
    response = client.get("/api/v1/places/", {"q": "Gdan"})
    assert response.status_code == 200, response.content
    assert "Gdańsk" in response.content.decode()


def _haversine_km(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.y, a.x, b.y, b.x))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


@pytest.mark.django_db
def test_the_matcher_measures_distances_across_poland(both_countries, settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"
    clothes = category("clothes")
    volunteer, refugee = UserFactory(), UserFactory()
    near = offer_create(
        owner=volunteer,
        category=clothes,
        title="Coats",
        place_name="Łódź",
        languages=["uk"],
        radius_km=150,
    )
    far = offer_create(
        owner=volunteer,
        category=clothes,
        title="Coats too",
        place_name="Szczecin",
        languages=["uk"],
        radius_km=50,
    )
    need = need_create(
        owner=refugee,
        category=clothes,
        title="A winter coat",
        place_name="Warszawa",
        languages=["uk"],
        radius_km=0,
    )

    engine.full_pass()

    match = Match.objects.get(need=need)
    assert match.offer_id == near.pk  # Szczecin is 450 km away, beyond both radii
    expected = _haversine_km(
        Offer.objects.get(pk=near.pk).location, Need.objects.get(pk=need.pk).location
    )
    assert expected == pytest.approx(119, abs=5)
    # EPSG:3035 is an equal-area projection of all Europe: within 1 % at this range in Poland.
    assert match.explanation["distance_km"] == pytest.approx(expected, rel=0.01)
    assert not Match.objects.filter(offer=far).exists()


def test_demo_data_covers_both_countries(both_countries, db, settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"
    call_command("seed_demo", stdout=io.StringIO())
    regions = set(Offer.objects.values_list("region", flat=True)) | set(
        Need.objects.values_list("region", flat=True)
    )
    assert any(region.startswith("województwo") for region in regions)
    assert "Hlavní město Praha" in regions


def test_the_build_script_names_places_the_way_people_there_do():
    cities = [
        {
            "geonameid": 1,
            "name": "Warsaw",
            "countrycode": "PL",
            "admin1code": "78",
            "latitude": 52.2,
            "longitude": 21.0,
            "population": 1_700_000,
            "alternatenames": ["Warszawa", "Варшава", "華沙", "Wa"],
        },
        {
            "geonameid": 2,
            "name": "Wola",
            "countrycode": "PL",
            "admin1code": "78",
            "latitude": 52.23,
            "longitude": 20.96,
            "population": 140_000,
            "alternatenames": ["Воля"],
        },
        {
            "geonameid": 3,
            "name": "Wola",
            "countrycode": "PL",
            "admin1code": "77",
            "latitude": 50.0,
            "longitude": 20.0,
            "population": 900,
            "alternatenames": [],
        },
        {
            "geonameid": 4,
            "name": "Brno",
            "countrycode": "CZ",
            "admin1code": "78",
            "latitude": 49.2,
            "longitude": 16.6,
            "population": 380_000,
            "alternatenames": [],
        },
    ]

    rows = build_rows(cities, COUNTRIES["pl"])

    assert [(row["name"], row["kind"], row["region"]) for row in rows] == [
        ("Warszawa", "municipality", "województwo mazowieckie"),
        ("Warszawa-Wola", "district", "województwo mazowieckie"),
        ("Wola", "municipality", "województwo małopolskie"),
    ]
    # Latin and Cyrillic spellings stay; other scripts and two-letter scraps do not.
    assert rows[0]["aliases"] == "Warsaw|Варшава"
    assert rows[1]["aliases"] == "Wola|Воля"


def test_polish_letters_fold_like_accents():
    assert normalize_name("Łódź") == normalize_name("lodz") == "lodz"
    assert normalize_name("Białołęka") == "bialoleka"
