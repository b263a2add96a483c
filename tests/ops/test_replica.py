"""With POMOC_REPLICA_DATABASE_URL, anonymous searches read from the replica and signed-in
people from the primary. The "replica" here is a copy of the test database made with the backup
scripts, then changed on each side, so each answer shows where it was read."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.request

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from offers.models import Offer
from tests import factories
from tests.factories import OfferFactory
from tests.ops.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REPLICA = "pomoc_replica_check"


def url(name: str) -> str:
    database = connection.settings_dict
    return f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"


def admin_execute(sql: str) -> None:
    with psycopg.connect(
        url("postgres").replace("postgis://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute(sql)


@pytest.fixture
def replica_copy(tmp_path):
    """A copy of the test database as it is now, standing in for a streaming replica."""
    admin_execute(f"DROP DATABASE IF EXISTS {REPLICA}")
    admin_execute(f"CREATE DATABASE {REPLICA} TEMPLATE template0")
    env = os.environ | {"POMOC_BACKUP_DIR": str(tmp_path)}
    for script, database in (
        ("backup.sh", connection.settings_dict["NAME"]),
        ("restore.sh", REPLICA),
    ):
        subprocess.run(
            ["bash", f"scripts/{script}"],
            cwd=ROOT,
            env=env | {"DATABASE_URL": url(database)},
            check=True,
            capture_output=True,
        )
    yield url(REPLICA)
    admin_execute(f"DROP DATABASE IF EXISTS {REPLICA} WITH (FORCE)")


def titles(server, cookie: str = "") -> set[str]:
    request = urllib.request.Request(server.url("/api/v1/offers/?q=Kabaty&page_size=100"))
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=20) as response:
        return {offer["title"] for offer in json.load(response)["results"]}


@pytest.mark.usefixtures("seeded_categories")
def test_anonymous_searches_read_the_replica_and_signed_in_people_the_primary(
    request, web_servers, client
):
    # Given an offer that is on both, then one deleted from the primary after the copy was made
    # (the replica still has it) and one added to the primary after it (not yet on the replica),
    OfferFactory(title="Kabaty pro deti")
    removed = OfferFactory(title="Kabaty jen na replice")
    replica_url = request.getfixturevalue("replica_copy")
    Offer.objects.filter(pk=removed.pk).delete()
    OfferFactory(title="Kabaty jen na primaru")
    person = factories.UserFactory()
    client.force_login(person)
    session = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    [server] = web_servers(1, {"POMOC_REPLICA_DATABASE_URL": replica_url})

    # an anonymous search is answered from the replica,
    assert titles(server) == {"Kabaty pro deti", "Kabaty jen na replice"}
    # a signed-in person's from the primary, so they see what was just written.
    assert titles(server, cookie=session) == {"Kabaty pro deti", "Kabaty jen na primaru"}
