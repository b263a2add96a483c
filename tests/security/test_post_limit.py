"""One posting limit per person, however the posts arrive, and it holds under a burst
(issue 10, attack 9). An attacker with one account tries to flood the lists: by switching from
the web form to the API, by spreading requests over server processes, and by firing them all
at once so that every request checks the count before any of them has counted."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.db import connections
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import CoordinatorScope
from moderation.models import Report
from needs.models import Need
from offers.models import Offer
from tests import factories


def api_payload(**overrides) -> dict:
    payload = {
        "category": "clothes",
        "title": "Winter coats for children",
        "place_name": "Plzen",
        "radius_km": 20,
        "languages": ["cs", "uk"],
    }
    payload.update(overrides)
    return payload


def web_payload(**overrides) -> dict:
    data = {
        "category": factories.category("clothes").pk,
        "title": "Winter coats for children",
        "description": "",
        "place_name": "Brno",
        "radius_km": "20",
        "languages": ["cs", "uk"],
        "valid_from": "",
        "valid_until": "",
        "capacity": "1",
    }
    data.update(overrides)
    return data


def token_client(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def web_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def posts_of(user) -> int:
    return Offer.objects.filter(owner=user).count() + Need.objects.filter(owner=user).count()


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.POMOC_POST_RATE_LIMIT = 3
    settings.POMOC_POST_RATE_WINDOW_SECONDS = 3600
    settings.POMOC_MATCHING_ON_SAVE = "off"
    # DRF's own throttles count in the cache; start each test with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_posts_through_the_api_count_in_the_same_limit_as_the_web(volunteer):
    volunteer.preferred_language = "en"
    volunteer.save(update_fields=["preferred_language"])
    # Given two offers posted on the web,
    web = web_client(volunteer)
    assert [web.post("/en/offers/new/", web_payload()).status_code for _ in range(2)] == [302, 302]
    # when the attacker switches to the API,
    api = token_client(volunteer)
    first = api.post("/api/v1/needs/", api_payload(people_count=1), format="json")
    second = api.post("/api/v1/offers/", api_payload(capacity=1), format="json")
    # then only what is left of the allowance is granted, and the refusal is a JSON 429.
    assert first.status_code == 201, first.json()
    assert second.status_code == 429
    assert "posted a lot" in second.json()["detail"]
    assert int(second.headers["Retry-After"]) > 0
    assert posts_of(volunteer) == 3


@pytest.mark.django_db
def test_the_web_form_refuses_once_the_api_used_up_the_allowance(volunteer):
    api = token_client(volunteer)
    statuses = [
        api.post("/api/v1/offers/", api_payload(capacity=1), format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    response = web_client(volunteer).post("/en/needs/new/", web_payload(capacity=""))
    assert response.status_code == 429
    assert "posted a lot" in response.content.decode()
    assert posts_of(volunteer) == 3


@pytest.mark.django_db
def test_the_limit_holds_when_requests_land_on_different_server_processes(volunteer):
    # Each gunicorn worker has its own in-memory cache; a limit kept there is per process.
    web = web_client(volunteer)
    for _ in range(3):
        assert web.post("/en/offers/new/", web_payload()).status_code == 302
        cache.clear()  # the next request reaches a worker that has counted nothing
    assert web.post("/en/offers/new/", web_payload()).status_code == 429
    assert posts_of(volunteer) == 3


@pytest.mark.django_db
def test_refused_and_invalid_posts_do_not_use_up_the_allowance(volunteer):
    api = token_client(volunteer)
    for _ in range(3):
        bad = api.post(
            "/api/v1/offers/", api_payload(place_name="Nowhereville", capacity=1), format="json"
        )
        assert bad.status_code == 400
        assert "place_name" in bad.json()
    statuses = [
        api.post("/api/v1/offers/", api_payload(capacity=1), format="json").status_code
        for _ in range(4)
    ]
    assert statuses == [201, 201, 201, 429]


@pytest.mark.django_db
def test_the_coordinator_role_alone_does_not_lift_the_limit(volunteer):
    # A role anyone could be given by mistake (or a stale one) grants nothing without a scope
    # (accounts.scopes): only coordinators who look after something post for others freely.
    bare = factories.UserFactory(roles=["coordinator"])
    scoped = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=scoped, platform=True)
    bare_statuses = [
        token_client(bare)
        .post("/api/v1/offers/", api_payload(capacity=4), format="json")
        .status_code
        for _ in range(4)
    ]
    scoped_statuses = [
        token_client(scoped)
        .post("/api/v1/offers/", api_payload(capacity=4), format="json")
        .status_code
        for _ in range(5)
    ]
    assert bare_statuses == [201, 201, 201, 429]
    assert scoped_statuses == [201] * 5


BURST = 10


def burst(user, *, via: str) -> list[int]:
    """Fire BURST creations at once from as many threads, each with its own database
    connection, released together by a barrier."""
    barrier = threading.Barrier(BURST)
    statuses: list[int] = []
    lock = threading.Lock()

    def attack(number: int) -> None:
        try:
            if via == "api":
                client = token_client(user)
                send = lambda: client.post(  # noqa: E731
                    "/api/v1/offers/",
                    api_payload(title=f"Flood {number}", capacity=1),
                    format="json",
                )
            else:
                client = web_client(user)
                send = lambda: client.post(  # noqa: E731
                    "/en/offers/new/", web_payload(title=f"Flood {number}")
                )
            barrier.wait(timeout=30)
            status = send().status_code
            with lock:
                statuses.append(status)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attack, args=(n,)) for n in range(BURST)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("via", "created"), [("api", 201), ("web", 302)])
def test_a_parallel_burst_never_exceeds_the_limit(seeded_categories, via, created):
    user = factories.UserFactory(roles=["volunteer"])
    statuses = burst(user, via=via)
    assert sorted(statuses) == sorted([created] * 3 + [429] * (BURST - 3))
    assert Offer.objects.filter(owner=user).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_parallel_burst_of_reports_never_exceeds_the_report_limit(seeded_categories, settings):
    # Reports cost a coordinator's time; the same limiter counts them, as atomically.
    settings.POMOC_REPORT_RATE_LIMIT = 3
    reporter = factories.UserFactory(roles=["volunteer"])
    offers = [factories.OfferFactory() for _ in range(BURST)]
    barrier = threading.Barrier(BURST)
    statuses: list[int] = []

    def report(offer) -> None:
        try:
            client = web_client(reporter)
            barrier.wait(timeout=30)
            response = client.post(f"/en/report/offer/{offer.pk}/", {"reason": "spam"})
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=report, args=(offer,)) for offer in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == sorted([302] * 3 + [429] * (BURST - 3))
    assert Report.objects.filter(reporter=reporter).count() == 3
