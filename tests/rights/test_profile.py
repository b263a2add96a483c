"""The profile: name, phone in E.164, language, and a preview of what the other side of a
connected match sees."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed",
    ["777 123 456", "+420 777 123 456", "00420777123456", "+420-777-123-456"],
)
def test_a_phone_is_stored_in_e164(client, typed):
    user = UserFactory(phone="")
    client.force_login(user)
    response = client.post(
        reverse("my_profile"),
        {"display_name": " Jana ", "phone": typed, "preferred_language": "uk"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, str(user.phone), user.preferred_language) == (
        "Jana",
        "+420777123456",
        "uk",
    )


@pytest.mark.parametrize("typed", ["12", "call me", "+420 111 222 333"])
def test_a_bad_phone_is_refused_and_nothing_is_saved(client, typed):
    user = UserFactory(display_name="Jana", phone="+420777123456")
    client.force_login(user)
    response = client.post(
        reverse("my_profile"),
        {"display_name": "Someone else", "phone": typed, "preferred_language": "en"},
    )
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    user.refresh_from_db()
    assert (user.display_name, str(user.phone)) == ("Jana", "+420777123456")


def test_an_unknown_language_is_refused(client):
    user = UserFactory(preferred_language="cs")
    client.force_login(user)
    response = client.post(
        reverse("my_profile"), {"display_name": "", "phone": "", "preferred_language": "xx"}
    )
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.preferred_language == "cs"


def test_the_profile_previews_exactly_what_the_match_page_shows(client, connected):
    olga = connected.offer.owner
    client.force_login(olga)
    profile = client.get(reverse("my_profile")).content.decode()
    client.force_login(connected.need.owner)
    match_page = client.get(reverse("match_detail", args=[connected.pk])).content.decode()

    start = '<ul class="contact">'
    card = profile[profile.index(start) : profile.index("</ul>", profile.index(start))]
    assert card in match_page
    assert olga.email in card and "+420601111222" in card and "Olga Offer" in card
    assert 'href="/en/notifications/settings/"' in profile


def test_the_menu_links_profile_and_data(client):
    client.force_login(UserFactory())
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("my_profile")}"' in page
    assert f'href="{reverse("my_data")}"' in page


def test_the_migration_normalises_phones_and_clears_unparseable_ones(capsys):
    migration = importlib.import_module("accounts.migrations.0003_user_phone_e164")
    ids = {
        raw: UserFactory(phone="").pk
        for raw in ("777 123 456", "+380 50 333 4444", "not a phone", "+420 111 222 333")
    }
    for raw, pk in ids.items():
        # Write the old free text past the field's conversion, as the old column held it.
        User.objects.filter(pk=pk).update(phone=raw)

    migration.normalise_phones(apps, None)

    stored = dict(User.objects.filter(pk__in=ids.values()).values_list("pk", "phone"))
    assert [stored[ids[raw]] for raw in ids] == ["+420777123456", "+380503334444", "", ""]
    assert "2 unparseable phone(s) cleared" in capsys.readouterr().out
