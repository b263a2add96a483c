"""The privacy page: in every language, linked from every page, its periods read from the
settings retention applies."""

from __future__ import annotations

import re

import pytest


def row(html: str, row_id: str) -> str:
    match = re.search(rf'<tr id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return " ".join(match.group(1).split())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["cs", "uk", "en"])
def test_privacy_page_is_linked_from_the_footer_in_every_language(client, language):
    home = client.get(f"/{language}/")
    assert f'href="/{language}/privacy/"' in home.content.decode()

    response = client.get(f"/{language}/privacy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    # Every right, with where to exercise it, in the page's own language.
    for path in ("my/profile/", "my/data/", "my/delete/"):
        assert f'href="/{language}/{path}"' in html
    for section in ("stored", "who", "how-long", "rights", "contact"):
        assert f'id="{section}"' in html


@pytest.mark.django_db
def test_privacy_page_states_the_periods_retention_applies(client, settings):
    settings.POMOC_RETENTION_CLOSED_POST_DAYS = 123
    settings.POMOC_RETENTION_CONTACT_NOTIFICATION_DAYS = 45
    settings.POMOC_RETENTION_DELIVERY_ERROR_DAYS = 14
    settings.POMOC_RETENTION_GEOCODER_CACHE_DAYS = 7
    settings.POMOC_RETENTION_REPORT_COMMENT_DAYS = 365
    settings.POMOC_RETENTION_INACTIVE_ACCOUNT_MONTHS = 24
    settings.POMOC_RETENTION_INACTIVE_WARNING_DAYS = 21

    html = client.get("/en/privacy/").content.decode()

    assert "123 days after closing" in row(html, "retention-posts")
    assert "45 days" in row(html, "retention-contact-messages")
    assert "14 days" in row(html, "retention-delivery-errors")
    assert "7 days" in row(html, "retention-geocoder")
    assert "365 days" in row(html, "retention-reports")
    accounts = row(html, "retention-accounts")
    assert "24 months without logging in" in accounts
    assert "21 days before" in accounts

    settings.POMOC_RETENTION_CLOSED_POST_DAYS = 1
    html = client.get("/en/privacy/").content.decode()
    assert "1 day after closing" in row(html, "retention-posts")


@pytest.mark.django_db
def test_privacy_page_names_the_data_protection_contact(client, settings):
    settings.POMOC_DPO_EMAIL = "dpo@ngo.example"
    html = client.get("/uk/privacy/").content.decode()
    assert 'href="mailto:dpo@ngo.example"' in html

    settings.POMOC_DPO_EMAIL = ""
    html = client.get("/en/privacy/").content.decode()
    assert "mailto:" not in html
    assert "Ask a coordinator" in html
