"""Exports of offers, needs and matches: who may export what, what the files hold (parsed
here), the filters, and the log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import CoordinatorScope
from exports.models import ExportLog
from matching import lifecycle
from rights.models import ContactAccess
from tests import factories

pytestmark = pytest.mark.django_db

PRAHA_REGION = "Hlavní město Praha"
JMK = "Jihomoravský kraj"


@pytest.fixture(autouse=True)
def _matching_on_save_off(settings):
    settings.POMOC_MATCHING_ON_SAVE = "off"


def _scoped(region: str):
    user = factories.UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=user, region=region)
    return user


def _csv(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> list[dict[str, object]]:
    assert response.status_code == 200, response.content[:500]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_region_coordinator_exports_only_their_regions_offers_in_both_formats():
    praha = factories.OfferFactory(region=PRAHA_REGION, title="Coats in Praha")
    factories.OfferFactory(region=JMK, title="Coats in Brno")
    coordinator = _scoped(PRAHA_REGION)

    rows = _csv(_api(coordinator).get("/api/v1/exports/offers/csv/"))
    assert [row["title"] for row in rows] == ["Coats in Praha"]
    assert rows[0]["id"] == str(praha.pk) and rows[0]["category"] == "clothes"

    rows = _xlsx(_api(coordinator).get("/api/v1/exports/offers/xlsx/"))
    assert [row["title"] for row in rows] == ["Coats in Praha"]

    # The other region's coordinator gets the other offer, and no owner's data anywhere.
    other = _api(_scoped(JMK)).get("/api/v1/exports/offers/csv/")
    assert [row["title"] for row in _csv(other)] == ["Coats in Brno"]
    assert praha.owner.email not in other.content.decode()


def test_matches_carry_contacts_only_when_connected_and_each_showing_is_logged(coordinator):
    connected = factories.MatchFactory(need__region=PRAHA_REGION)
    lifecycle.match_approve(connected, actor=coordinator)
    lifecycle.match_respond(connected, actor=connected.offer.owner, accept=True)
    lifecycle.match_respond(connected, actor=connected.need.owner, accept=True)
    proposed = factories.MatchFactory(need__region=PRAHA_REGION)
    foreign = factories.MatchFactory(need__region=JMK)

    exporter = _scoped(PRAHA_REGION)
    response = _api(exporter).get("/api/v1/exports/matches/csv/")
    rows = {int(row["id"]): row for row in _csv(response)}

    assert set(rows) == {connected.pk, proposed.pk}  # nothing of another region
    assert rows[connected.pk]["need_contact_email"] == connected.need.owner.email
    assert rows[connected.pk]["offer_contact_email"] == connected.offer.owner.email
    assert rows[proposed.pk]["need_contact_email"] == ""
    content = response.content.decode()
    assert proposed.need.owner.email not in content and foreign.need.owner.email not in content
    assert set(
        ContactAccess.objects.filter(viewer=exporter, where="export").values_list(
            "subject_id", flat=True
        )
    ) == {connected.offer.owner_id, connected.need.owner_id}


def test_organisation_staff_export_their_organisations_rows_only():
    organisation = factories.OrganisationFactory()
    staff = factories.MembershipFactory(organisation=organisation).user
    ours = factories.NeedFactory(organisation=organisation, title="Our need")
    factories.NeedFactory(title="Somebody else's need")
    client = Client()
    client.force_login(staff)

    response = client.get(f"/en/coordination/export/needs.csv?organisation={organisation.pk}")
    assert [row["id"] for row in _csv(response)] == [str(ours.pk)]
    log = ExportLog.objects.get()
    assert (log.user, log.organisation, log.dataset, log.format, log.row_count) == (
        staff,
        organisation,
        "needs",
        "csv",
        1,
    )

    # Without the organisation, staff have no scope; another organisation is not theirs.
    assert client.get("/en/coordination/export/needs.csv").status_code == 403
    other = factories.OrganisationFactory()
    assert (
        client.get(f"/en/coordination/export/needs.csv?organisation={other.pk}").status_code == 403
    )


def test_volunteers_cannot_export(volunteer):
    factories.OfferFactory()
    assert _api(volunteer).get("/api/v1/exports/offers/csv/").status_code == 403
    assert not ExportLog.objects.exists()


def test_filters_by_status_category_and_dates_and_the_log_keeps_them(coordinator):
    old = factories.NeedFactory(category=factories.category("clothes"), title="Old")
    factories.NeedFactory(category=factories.category("clothes"), title="New")
    factories.NeedFactory(category=factories.category("food"), title="Food")
    factories.NeedFactory(category=factories.category("clothes"), status="paused", title="Paused")
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()

    response = _api(coordinator).get(
        "/api/v1/exports/needs/xlsx/",
        {"status": "active", "category": "clothes", "date_from": since},
    )
    assert [row["title"] for row in _xlsx(response)] == ["New"]
    log = ExportLog.objects.get()
    assert log.filters == {
        "status": "active",
        "category_id": factories.category("clothes").pk,
        "date_from": since,
    }
    assert log.row_count == 1 and log.user == coordinator


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "lost"}, "status"),
        ({"category": "no-such"}, "category"),
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),
        ({"organisation": "999999"}, "organisation"),
    ],
)
def test_bad_filters_are_400_naming_the_field(coordinator, params, field):
    response = _api(coordinator).get("/api/v1/exports/offers/csv/", params)
    assert response.status_code == 400
    assert field in response.json()
    assert not ExportLog.objects.exists()


def test_unknown_dataset_or_format_is_404(coordinator):
    assert _api(coordinator).get("/api/v1/exports/people/csv/").status_code == 404
    assert _api(coordinator).get("/api/v1/exports/offers/pdf/").status_code == 404


def test_too_many_rows_ask_for_a_narrower_filter(coordinator, settings):
    settings.POMOC_EXPORT_MAX_ROWS = 1
    factories.OfferFactory.create_batch(2)
    response = _api(coordinator).get("/api/v1/exports/offers/csv/")
    assert response.status_code == 400 and "non_field_errors" in response.json()


def test_a_formula_in_a_title_is_not_run_by_a_spreadsheet(coordinator):
    factories.OfferFactory(title='=HYPERLINK("http://evil.example","Click")')
    rows = _csv(_api(coordinator).get("/api/v1/exports/offers/csv/"))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","Click")'


def test_the_web_buttons_are_on_the_queue_and_my_organisations(coordinator):
    client = Client()
    client.force_login(coordinator)
    assert "/en/coordination/export/matches.xlsx" in client.get("/en/coordinate/").content.decode()
    staff = factories.MembershipFactory().user
    client.force_login(staff)
    page = client.get("/en/my/organisations/").content.decode()
    assert "/en/coordination/export/offers.csv?organisation=" in page


def test_web_bad_filter_is_a_400_page(coordinator):
    client = Client()
    client.force_login(coordinator)
    response = client.get("/en/coordination/export/offers.csv?date_from=soon")
    assert response.status_code == 400 and b"Created from" in response.content


def test_the_log_is_visible_in_the_admin_to_platform_coordinators_only():
    log_owner = factories.UserFactory()
    ExportLog.objects.create(user=log_owner, dataset="offers", format="csv", row_count=3)
    platform = factories.UserFactory(roles=["coordinator"], is_staff=True)
    CoordinatorScope.objects.create(user=platform, platform=True)
    regional = factories.UserFactory(roles=["coordinator"], is_staff=True)
    CoordinatorScope.objects.create(user=regional, region=JMK)
    client = Client()
    client.force_login(platform)
    assert client.get("/admin/exports/exportlog/").status_code == 200
    client.force_login(regional)
    assert client.get("/admin/exports/exportlog/").status_code == 403
