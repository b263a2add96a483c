from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from needs.models import Need, Urgency
from offers.models import Offer
from posts.models import PostStatus
from tests import factories

pytestmark = pytest.mark.django_db


def offer_data(**overrides):
    data = {
        "category": factories.category("clothes").pk,
        "title": "Winter coats for children",
        "description": "Sizes 110 to 140.",
        "place_name": "Brno",
        "radius_km": "20",
        "languages": ["cs", "uk"],
        "valid_from": "",
        "valid_until": "",
        "capacity": "3",
    }
    data.update(overrides)
    return data


def test_volunteer_posts_an_offer_by_place_name(client, volunteer):
    client.force_login(volunteer)
    response = client.post("/en/offers/new/", offer_data(place_name="brno"))
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response.url == f"/en/offers/{offer.pk}/"
    assert (offer.owner, offer.place_name, offer.capacity) == (volunteer, "Brno", 3)
    assert offer.languages == ["cs", "uk"]
    assert offer.status == PostStatus.ACTIVE
    assert round(offer.location.y, 1) == 49.2


def test_need_form_saves_people_and_urgency(client, refugee):
    client.force_login(refugee)
    data = offer_data(title="Lift to the clinic", people_count="2", urgency=str(Urgency.HIGH))
    data.pop("capacity")
    response = client.post("/en/needs/new/", data)
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.people_count, need.urgency, need.owner) == (2, Urgency.HIGH, refugee)


def test_anonymous_visitor_is_sent_to_log_in_before_posting(client):
    response = client.get("/en/offers/new/")
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"category": ""}, "category"),
        ({"category": "999999"}, "category"),
        ({"category": "housing"}, "category"),
        ({"place_name": ""}, "place_name"),
        ({"place_name": "Atlantis on the Moon"}, "place_name"),
        ({"radius_km": "-5"}, "radius_km"),
        ({"radius_km": "10000"}, "radius_km"),
        ({"radius_km": "ten"}, "radius_km"),
        ({"description": "x" * 100_000}, "description"),
        ({"languages": []}, "languages"),
        ({"languages": ["xx"]}, "languages"),
        ({"capacity": "0"}, "capacity"),
        ({"valid_from": "2030-05-10", "valid_until": "2030-05-01"}, "valid_until"),
        ({"valid_until": "not a date"}, "valid_until"),
    ],
)
def test_bad_offer_input_shows_error_on_the_field_and_saves_nothing(
    client, volunteer, overrides, field
):
    client.force_login(volunteer)
    response = client.post("/en/offers/new/", offer_data(**overrides))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    html = response.content.decode()
    # The error is tied to its field for screen readers.
    assert f'id="id_{field}_error"' in html
    widget = re.search(rf'<(?:input|select|textarea)[^>]*id="id_{field}"[^>]*>', html).group(0)
    assert re.search(rf'aria-describedby="[^"]*id_{field}_error', widget)
    assert 'aria-invalid="true"' in widget
    assert not Offer.objects.exists()


def test_script_in_title_is_shown_escaped(client, volunteer):
    client.force_login(volunteer)
    client.post("/en/offers/new/", offer_data(title="<script>alert(1)</script>"))
    offer = Offer.objects.get()
    html = client.get(f"/en/offers/{offer.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_posting_is_rate_limited(client, volunteer, settings):
    settings.POMOC_POST_RATE_LIMIT = 2
    client.force_login(volunteer)
    statuses = [client.post("/en/offers/new/", offer_data()).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert Offer.objects.count() == 2
    # Needs share the allowance with offers.
    data = offer_data()
    data.pop("capacity")
    assert client.post("/en/needs/new/", data).status_code == 429


def test_owner_edits_offer_and_the_place_is_resolved_again(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer)
    client.force_login(volunteer)
    response = client.get(f"/en/offers/{offer.pk}/edit/")
    assert response.status_code == 200
    assert offer.title in response.content.decode()
    response = client.post(
        f"/en/offers/{offer.pk}/edit/", offer_data(title="Updated", place_name="Ostrava")
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.title, offer.place_name) == ("Updated", "Ostrava")


def test_bad_edit_keeps_the_post_unchanged(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer, title="Original")
    client.force_login(volunteer)
    response = client.post(
        f"/en/offers/{offer.pk}/edit/", offer_data(title="New", place_name="Nowhereville")
    )
    assert response.status_code == 400
    assert "place_name" in response.context["form"].errors
    offer.refresh_from_db()
    assert (offer.title, offer.place_name) == ("Original", "Praha")


def test_another_user_cannot_edit_or_change_status(client, volunteer):
    offer = factories.OfferFactory(title="Mine")
    client.force_login(volunteer)
    assert client.get(f"/en/offers/{offer.pk}/edit/").status_code == 403
    assert client.post(f"/en/offers/{offer.pk}/edit/", offer_data()).status_code == 403
    assert client.post(f"/en/offers/{offer.pk}/withdraw/").status_code == 403
    offer.refresh_from_db()
    assert (offer.title, offer.status) == ("Mine", PostStatus.ACTIVE)


def test_anonymous_cannot_change_status(client):
    offer = factories.OfferFactory()
    response = client.post(f"/en/offers/{offer.pk}/pause/")
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == PostStatus.ACTIVE


def test_status_changes_need_post(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer)
    client.force_login(volunteer)
    assert client.get(f"/en/offers/{offer.pk}/pause/").status_code == 405
    offer.refresh_from_db()
    assert offer.status == PostStatus.ACTIVE


def test_owner_pauses_reactivates_fulfils_and_withdraws(client, volunteer):
    need = factories.NeedFactory(owner=volunteer)
    client.force_login(volunteer)
    for action, status in [
        ("pause", PostStatus.PAUSED),
        ("reactivate", PostStatus.ACTIVE),
        ("fulfilled", PostStatus.FULFILLED),
        ("reactivate", PostStatus.ACTIVE),
        ("withdraw", PostStatus.WITHDRAWN),
    ]:
        response = client.post(f"/en/needs/{need.pk}/{action}/")
        assert response.status_code == 302
        need.refresh_from_db()
        assert need.status == status


def test_forbidden_transition_shows_a_message(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer, status=PostStatus.WITHDRAWN)
    client.force_login(volunteer)
    response = client.post(f"/en/offers/{offer.pk}/reactivate/", follow=True)
    assert response.status_code == 200
    assert "cannot go from Withdrawn to Active" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == PostStatus.WITHDRAWN


def test_unknown_action_is_404(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer)
    client.force_login(volunteer)
    assert client.post(f"/en/offers/{offer.pk}/explode/").status_code == 404


def test_my_posts_lists_own_offers_and_needs_with_statuses(client, volunteer):
    factories.OfferFactory(owner=volunteer, title="My coats", status=PostStatus.PAUSED)
    factories.NeedFactory(owner=volunteer, title="My lift")
    factories.OfferFactory(title="Someone else's")
    client.force_login(volunteer)
    html = client.get("/en/my/").content.decode()
    assert "My coats" in html and "Paused" in html
    assert "My lift" in html and "Active" in html
    assert "Someone else" not in html


def test_paused_post_is_hidden_from_others_but_shown_to_owner(client, volunteer):
    offer = factories.OfferFactory(owner=volunteer, status=PostStatus.PAUSED)
    assert client.get(f"/en/offers/{offer.pk}/").status_code == 404
    client.force_login(volunteer)
    response = client.get(f"/en/offers/{offer.pk}/")
    assert response.status_code == 200
    assert "Reactivate" in response.content.decode()


def test_expired_post_cannot_be_reactivated_without_new_date(client, volunteer):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    offer = factories.OfferFactory(
        owner=volunteer,
        status=PostStatus.EXPIRED,
        valid_from=yesterday - dt.timedelta(days=5),
        valid_until=yesterday,
    )
    client.force_login(volunteer)
    response = client.post(f"/en/offers/{offer.pk}/reactivate/", follow=True)
    assert "Set a new “valid until” date" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == PostStatus.EXPIRED


def test_free_text_search_ignores_accents_and_word_order(client):
    from tests.factories import OfferFactory

    OfferFactory(title="Dětská židle a postýlka")
    OfferFactory(title="Zimní bunda")
    response = client.get("/en/offers/", {"q": "postylka zidle"})
    assert response.status_code == 200
    titles = [post.title for post in response.context["page"]]
    assert titles == ["Dětská židle a postýlka"]
