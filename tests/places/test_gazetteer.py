from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from places.gazetteer import get_gazetteer
from places.geocoding import PlaceNotFound, place_resolve


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Plzen", "Plzeň"),
        ("PLZEŇ", "Plzeň"),
        ("  plzeň ", "Plzeň"),
        ("Pilsen", "Plzeň"),
        ("Prague", "Praha"),
        ("Прага", "Praha"),
        ("Usti nad Labem", "Ústí nad Labem"),
        ("ceske budejovice", "České Budějovice"),
        ("Zizkov", "Žižkov"),
    ],
)
def test_lookup_ignores_accents_case_and_language(typed, expected):
    place = get_gazetteer().lookup(typed)
    assert place is not None
    assert place.name == expected


def test_a_common_name_resolves_to_the_most_populous_place():
    # Several municipalities are called Ústí; the typed name means the biggest one.
    candidates = get_gazetteer().by_name["usti"]
    assert len(candidates) > 1
    assert get_gazetteer().lookup("Ústí") == max(candidates, key=lambda place: place.population)


def test_resolve_returns_a_point_in_the_right_place():
    brno = place_resolve("brno")
    assert brno.name == "Brno"
    assert brno.region == "Jihomoravský kraj"
    assert (brno.point.x, brno.point.y) == pytest.approx((16.61, 49.20), abs=0.05)


@pytest.mark.parametrize("typed", ["Atlantis", "Praha Praha Praha", "12345"])
def test_unknown_place_gives_a_clear_error(typed, db):
    # Outside a request the default language (Czech) is active; read the English message.
    with translation.override("en"), pytest.raises(PlaceNotFound) as error:
        place_resolve(typed)
    assert typed in error.value.messages[0]
    assert "No place called" in error.value.messages[0]


@pytest.mark.parametrize("typed", ["", "   ", "x" * 201])
def test_empty_or_overlong_names_are_refused(typed):
    with pytest.raises(ValidationError):
        place_resolve(typed)


def test_autocomplete_lists_biggest_places_first():
    names = [place.name for place in get_gazetteer().search("pra")]
    assert names[0] == "Praha"
    assert get_gazetteer().search("p") == []
