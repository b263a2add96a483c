"""The match queue's export buttons: they carry the queue's region filter, and the file holds
what the coordinator's scope holds."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from accounts.models import CoordinatorScope
from tests.factories import MatchFactory, UserFactory

pytestmark = pytest.mark.django_db

PRAHA_REGION = "Hlavní město Praha"
JMK = "Jihomoravský kraj"


def test_queue_export_buttons_pass_the_region_and_the_file_holds_the_scope():
    mine = MatchFactory(need__region=PRAHA_REGION)
    MatchFactory(need__region=JMK)
    coordinator = UserFactory(roles=["coordinator"])
    CoordinatorScope.objects.create(user=coordinator, region=PRAHA_REGION)
    client = Client()
    client.force_login(coordinator)

    page = client.get("/en/coordinate/", {"region": PRAHA_REGION}).content.decode()
    assert "/en/coordination/export/matches.csv?region=Hlavn%C3%AD%20m%C4%9Bsto%20Praha" in page

    response = client.get("/en/coordination/export/matches.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [int(row["id"]) for row in rows] == [mine.pk]
