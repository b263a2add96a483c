"""Offers and needs through /api/v1/: the twins behave alike, so most tests run on both."""

from __future__ import annotations

import pytest
from django.contrib.gis.geos import Point

from needs.models import Need
from offers.models import Offer
from posts.models import PostStatus
from tests import factories
from tests.factories import BRNO, PRAHA

pytestmark = pytest.mark.django_db

# (url segment, model, factory, field only this twin has)
TWINS = [
    pytest.param("offers", Offer, factories.OfferFactory, "capacity", id="offers"),
    pytest.param("needs", Need, factories.NeedFactory, "people_count", id="needs"),
]
# A point in Prague with more decimals than anyone should see.
EXACT = Point(14.437812, 50.081234, srid=4326)
PERSONAL = ("owner", "email", "phone", "display_name", "owner_id")


def new_offer_payload(**overrides):
    # A material-aid offer must say how many items it gives (posts/units.py).
    return new_post_payload(**{"capacity": 12, **overrides})


def new_post_payload(**overrides):
    payload = {
        "category": "clothes",
        "title": "Winter coats for children",
        "description": "Sizes 110 to 140.",
        "place_name": "Plzen",
        "radius_km": 20,
        "languages": ["cs", "uk"],
    }
    payload.update(overrides)
    return payload


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_anonymous_list_shows_no_contacts_and_only_rounded_coordinates(
    api, segment, model, factory, extra
):
    owner = factories.UserFactory(email="secret@example.org", phone="+420 777 123 456")
    factory(owner=owner, location=EXACT, title="Coats")

    response = api.get(f"/api/v1/{segment}/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    item = response.json()["results"][0]
    assert item["title"] == "Coats"
    assert (item["latitude"], item["longitude"]) == (50.08, 14.44)
    assert item["location_exact"] is False
    assert item["can_edit"] is False
    for key in PERSONAL:
        assert key not in item
    body = response.content.decode()
    assert "secret@example.org" not in body
    assert "777 123 456" not in body
    assert owner.display_name not in body
    assert "14.437812" not in body


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_owner_and_coordinator_see_exact_coordinates_others_do_not(
    client_for, volunteer, coordinator, segment, model, factory, extra
):
    post = factory(owner=volunteer, location=EXACT)
    stranger = factories.UserFactory()

    mine = client_for(volunteer).get(f"/api/v1/{segment}/{post.pk}/").json()
    coordinators = client_for(coordinator).get(f"/api/v1/{segment}/{post.pk}/").json()
    strangers = client_for(stranger).get(f"/api/v1/{segment}/{post.pk}/").json()

    assert (mine["latitude"], mine["longitude"]) == pytest.approx((50.081234, 14.437812))
    assert mine["location_exact"] is True and mine["can_edit"] is True
    assert coordinators["latitude"] == pytest.approx(50.081234)
    assert (strangers["latitude"], strangers["longitude"]) == (50.08, 14.44)
    assert strangers["can_edit"] is False


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
@pytest.mark.parametrize("slug", ["accommodation", "accommodation-short", "legal-advice"])
def test_sensitive_posts_are_hidden_from_anonymous_and_unverified_in_list_and_detail(
    api, client_for, volunteer, segment, model, factory, extra, slug
):
    post = factory(category=factories.category(slug))
    unverified = factories.MembershipFactory(organisation__verified=False).user

    for client in (api, client_for(volunteer), client_for(unverified)):
        assert client.get(f"/api/v1/{segment}/").json()["count"] == 0
        assert client.get(f"/api/v1/{segment}/?category={slug}").json()["count"] == 0
        assert client.get(f"/api/v1/{segment}/{post.pk}/").status_code == 404
        assert client.get(f"/api/v1/{segment}/geojson/").json()["features"] == []


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_sensitive_posts_are_shown_to_verified_staff_coordinators_and_their_owner(
    client_for, verified_staff, coordinator, refugee, segment, model, factory, extra
):
    post = factory(owner=refugee, category=factories.category("accommodation-long"))

    for user in (verified_staff, coordinator):
        client = client_for(user)
        assert [item["id"] for item in client.get(f"/api/v1/{segment}/").json()["results"]] == [
            post.pk
        ]
        assert client.get(f"/api/v1/{segment}/{post.pk}/").status_code == 200
    # The refugee who posted it sees it too, among their own posts.
    own = client_for(refugee)
    assert own.get(f"/api/v1/{segment}/{post.pk}/").status_code == 200
    assert own.get(f"/api/v1/{segment}/?mine=true").json()["count"] == 1


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_a_signed_in_user_posts_by_typing_a_place_name(
    client_for, volunteer, segment, model, factory, extra
):
    response = client_for(volunteer).post(
        f"/api/v1/{segment}/", new_post_payload(**{extra: 3}), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["place_name"] == "Plzeň"
    assert body["latitude"] == pytest.approx(49.7475, abs=0.01)
    assert body["location_exact"] is True
    assert body[extra] == 3
    post = model.objects.get(pk=body["id"])
    assert post.owner == volunteer
    assert post.status == PostStatus.ACTIVE
    assert post.languages == ["cs", "uk"]


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_anonymous_cannot_post(api, segment, model, factory, extra):
    response = api.post(f"/api/v1/{segment}/", new_post_payload(), format="json")
    assert response.status_code == 401
    assert model.objects.count() == 0


def test_session_authentication_works_for_the_browser(client, volunteer):
    # Django's test client with a session, as a page's own JavaScript would call the API.
    client.force_login(volunteer)
    response = client.post("/api/v1/offers/", new_offer_payload(), content_type="application/json")
    assert response.status_code == 201
    assert Offer.objects.get().owner == volunteer


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_owner_updates_and_partially_updates(client_for, volunteer, segment, model, factory, extra):
    post = factory(owner=volunteer, title="Old")
    client = client_for(volunteer)

    full = client.put(
        f"/api/v1/{segment}/{post.pk}/",
        new_post_payload(title="New", place_name="Brno", languages=["UK", "en"]),
        format="json",
    )
    assert full.status_code == 200, full.json()
    partial = client.patch(f"/api/v1/{segment}/{post.pk}/", {extra: 5}, format="json")
    assert partial.status_code == 200, partial.json()

    post.refresh_from_db()
    assert (post.title, post.place_name, getattr(post, extra)) == ("New", "Brno", 5)
    assert post.languages == ["en", "uk"]
    assert post.location.distance(BRNO) < 0.05


def test_a_get_response_can_be_sent_back_as_a_put(client_for, volunteer):
    # Clients generated from the schema round-trip a post: read-only fields are ignored.
    post = factories.OfferFactory(owner=volunteer, title="Before")
    client = client_for(volunteer)
    body = client.get(f"/api/v1/offers/{post.pk}/").json()
    body["title"] = "After"

    response = client.put(f"/api/v1/offers/{post.pk}/", body, format="json")

    assert response.status_code == 200, response.json()
    post.refresh_from_db()
    assert post.title == "After"


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_a_stranger_cannot_edit_or_change_status_and_nothing_changes(
    client_for, volunteer, segment, model, factory, extra
):
    post = factory(owner=volunteer, title="Mine")
    stranger = client_for(factories.UserFactory())

    responses = [
        stranger.patch(f"/api/v1/{segment}/{post.pk}/", {"title": "Hijacked"}, format="json"),
        stranger.put(f"/api/v1/{segment}/{post.pk}/", new_post_payload(), format="json"),
        stranger.post(f"/api/v1/{segment}/{post.pk}/status/", {"status": "withdrawn"}),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    post.refresh_from_db()
    assert (post.title, post.status) == ("Mine", PostStatus.ACTIVE)


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_a_stranger_gets_404_for_someone_elses_paused_post(
    client_for, volunteer, segment, model, factory, extra
):
    post = factory(owner=volunteer, status=PostStatus.PAUSED)
    stranger = client_for(factories.UserFactory())
    assert stranger.get(f"/api/v1/{segment}/{post.pk}/").status_code == 404
    response = stranger.post(f"/api/v1/{segment}/{post.pk}/status/", {"status": "active"})
    assert response.status_code == 404
    post.refresh_from_db()
    assert post.status == PostStatus.PAUSED


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_organisation_colleague_and_coordinator_may_edit(
    client_for, coordinator, segment, model, factory, extra
):
    membership = factories.MembershipFactory()
    colleague = factories.MembershipFactory(organisation=membership.organisation).user
    post = factory(owner=membership.user, organisation=membership.organisation)

    by_colleague = client_for(colleague).patch(
        f"/api/v1/{segment}/{post.pk}/", {"title": "By colleague"}, format="json"
    )
    by_coordinator = client_for(coordinator).post(
        f"/api/v1/{segment}/{post.pk}/status/", {"status": "paused"}, format="json"
    )

    assert (by_colleague.status_code, by_coordinator.status_code) == (200, 200)
    assert by_colleague.json()["location_exact"] is True
    post.refresh_from_db()
    assert (post.title, post.status) == ("By colleague", PostStatus.PAUSED)


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_owner_pauses_reactivates_fulfils_and_sees_a_wrong_transition_refused(
    client_for, volunteer, segment, model, factory, extra
):
    post = factory(owner=volunteer)
    client = client_for(volunteer)
    url = f"/api/v1/{segment}/{post.pk}/status/"

    paused = client.post(url, {"status": "paused"}, format="json")
    assert paused.status_code == 200 and paused.json()["status"] == "paused"
    # Paused posts leave the public list but the owner still reaches them.
    assert client.get(f"/api/v1/{segment}/").json()["count"] == 0
    assert client.get(f"/api/v1/{segment}/?mine=true").json()["count"] == 1
    assert client.post(url, {"status": "active"}, format="json").status_code == 200
    assert client.post(url, {"status": "withdrawn"}, format="json").status_code == 200

    refused = client.post(url, {"status": "active"}, format="json")

    assert refused.status_code == 400
    assert "status" in refused.json()
    post.refresh_from_db()
    assert post.status == PostStatus.WITHDRAWN


def test_status_cannot_be_changed_through_an_update(client_for, volunteer):
    post = factories.OfferFactory(owner=volunteer)
    response = client_for(volunteer).patch(
        f"/api/v1/offers/{post.pk}/", {"status": "fulfilled"}, format="json"
    )
    assert response.status_code == 400
    assert "status" in response.json()
    post.refresh_from_db()
    assert post.status == PostStatus.ACTIVE


def test_mine_needs_authentication(api):
    assert api.get("/api/v1/offers/?mine=true").status_code == 401


def test_html_in_the_title_is_stored_as_text_and_escaped_in_the_browsable_api(
    client_for, volunteer
):
    title = '<script>alert("x")</script><b>Coats</b>'
    client = client_for(volunteer)
    created = client.post("/api/v1/offers/", new_offer_payload(title=title), format="json")
    assert created.status_code == 201
    assert Offer.objects.get().title == title

    as_json = client.get(f"/api/v1/offers/{created.json()['id']}/")
    as_html = client.get(f"/api/v1/offers/{created.json()['id']}/", HTTP_ACCEPT="text/html")

    assert as_json["Content-Type"] == "application/json"
    assert as_json.json()["title"] == title
    assert as_html.status_code == 200
    assert "<script>alert" not in as_html.content.decode()
    assert "&lt;script&gt;" in as_html.content.decode()


# --- search filters -------------------------------------------------------------------------


def titles(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [item["title"] for item in response.json()["results"]]


@pytest.fixture
def offers_around_prague():
    beroun = Point(14.07201, 49.96382, srid=4326)  # ~28 km from Prague
    roztoky = Point(14.39766, 50.15843, srid=4326)  # ~8 km
    factories.OfferFactory(
        title="Roztoky coats", location=roztoky, languages=["cs"], place_name="Roztoky"
    )
    factories.OfferFactory(
        title="Beroun lift",
        location=beroun,
        category=factories.category("transport-people"),
        languages=["uk"],
    )
    factories.OfferFactory(
        title="Brno lessons",
        location=BRNO,
        remote=True,
        description="Czech lessons online, zdarma",
        languages=["en", "uk"],
    )


def test_place_and_radius_find_nearest_first_with_distance(api, offers_around_prague):
    response = api.get("/api/v1/offers/?place=Praha&radius_km=30")
    assert titles(response) == ["Roztoky coats", "Beroun lift"]
    assert response.json()["results"][0]["distance_km"] == 8.0


def test_coordinates_and_radius_search_and_date_ordering(api, offers_around_prague):
    url = f"/api/v1/offers/?latitude={PRAHA.y}&longitude={PRAHA.x}&radius_km=10"
    assert titles(api.get(url)) == ["Roztoky coats"]
    newest = titles(api.get("/api/v1/offers/?place=Praha&radius_km=300&ordering=-created_at"))
    assert newest == ["Brno lessons", "Beroun lift", "Roztoky coats"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=transport", ["Beroun lift"]),  # a general category includes its children
        ("category=transport-people", ["Beroun lift"]),
        ("remote=true", ["Brno lessons"]),
        ("language=cs", ["Roztoky coats"]),
        ("language=uk&ordering=created_at", ["Beroun lift", "Brno lessons"]),
        ("q=ZDARMA", ["Brno lessons"]),
        ("q=coats roztoky", ["Roztoky coats"]),
        ("q=lekce", []),
    ],
)
def test_filters_match_the_web_search(api, offers_around_prague, query, expected):
    assert titles(api.get(f"/api/v1/offers/?{query}")) == expected


def test_geojson_is_a_feature_collection_with_rounded_points(api):
    factories.NeedFactory(location=EXACT, title="Need in Prague")

    response = api.get("/api/v1/needs/geojson/?place=Praha")

    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["count"] == 1
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [14.44, 50.08]}
    assert feature["properties"]["title"] == "Need in Prague"
    assert "owner" not in feature["properties"]


def test_pagination_pages_through_results(api):
    factories.OfferFactory.create_batch(5)
    first = api.get("/api/v1/offers/?page_size=2").json()
    last = api.get("/api/v1/offers/?page_size=2&page=3").json()
    assert (first["count"], len(first["results"]), len(last["results"])) == (5, 2, 1)
    assert first["next"] is not None and last["next"] is None


# --- no N+1 --------------------------------------------------------------------------------


@pytest.mark.parametrize(("segment", "model", "factory", "extra"), TWINS)
def test_anonymous_list_takes_two_queries_whatever_the_number_of_posts(
    api, django_assert_num_queries, segment, model, factory, extra
):
    organisation = factories.OrganisationFactory()
    factory.create_batch(3, organisation=organisation)
    factory.create_batch(3, category=factories.category("food"))
    # The search's planner settings + one page of posts with category, parent category and
    # organisation joined; no count, as the page is the last (tests/api/test_search_pages.py).
    with django_assert_num_queries(2):
        response = api.get(f"/api/v1/{segment}/")
    assert response.json()["count"] == 6
    with django_assert_num_queries(2):
        api.get(f"/api/v1/{segment}/geojson/?place=Praha")


def test_signed_in_list_adds_only_the_per_request_queries(
    client_for, volunteer, django_assert_num_queries
):
    factories.OfferFactory.create_batch(6)
    client = client_for(volunteer)
    # token+user, sensitive check (organisations), viewer's organisations, planner settings,
    # page (no count: it is the last page)
    with django_assert_num_queries(5):
        response = client.get("/api/v1/offers/")
    assert response.json()["count"] == 6
    # + one for the category slug
    with django_assert_num_queries(6):
        client.get("/api/v1/offers/?category=material-aid")
