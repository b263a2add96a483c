from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_accounts_and_the_api(client, django_assert_num_queries):
    # It is also the load test's trivial view: no database at all.
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    for private in ("/api/", "/admin/", "/*/my/", "/*/accounts/", "/*/coordination/"):
        assert f"Disallow: {private}" in lines
