"""A database that cannot be reached answers 503 with Retry-After, never 500: here the test's
own connection is pointed at a port where no PostgreSQL listens (tests/test_database_restart.py
restarts the real server under load)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from tests.live import free_port

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_away():
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    yield
    connection.close()
    connection.settings_dict["PORT"] = real_port


def test_the_api_answers_503_json(database_away):
    response = Client(headers={"Accept-Language": "en"}).get("/api/v1/offers/?place=Brno")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "briefly unavailable" in response.json()["detail"]


def test_a_page_answers_503_in_the_visitors_language(database_away):
    response = Client().get("/en/offers/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Pomoc is briefly unavailable" in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_a_session_read_by_a_middleware_also_answers_503(volunteer):
    # Given a signed-in browser: the session and the user are read by middleware, outside any
    # view (Django's handler500 then answers).
    browser = Client(raise_request_exception=False, headers={"Accept-Language": "en"})
    browser.force_login(volunteer)
    real_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        response = browser.get("/robots.txt")
    finally:
        connection.close()
        connection.settings_dict["PORT"] = real_port
    assert response.status_code == 503
    assert "Pomoc is briefly unavailable" in response.content.decode()
