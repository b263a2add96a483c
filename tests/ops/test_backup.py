"""`make backup` and `make restore`: a dump of the database restores to the same data."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.factories import OfferFactory

ROOT = Path(__file__).resolve().parents[2]
TARGET = "pomoc_restore_check"


def url(name: str) -> str:
    database = connection.settings_dict
    return f"postgis://{database['USER']}@{database['HOST']}:{database['PORT']}/{name}"


def run_script(script: str, *args: str, database: str, backups: Path) -> str:
    result = subprocess.run(
        ["bash", f"scripts/{script}", *args],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url(database), "POMOC_BACKUP_DIR": str(backups)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def query(database: str, sql: str) -> list[tuple]:
    with psycopg.connect(url(database).replace("postgis://", "postgresql://")) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def empty_target():
    """A new database without PostGIS (from template0): the dump must bring everything."""
    admin = url("postgres").replace("postgis://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {TARGET}")
        conn.execute(f"CREATE DATABASE {TARGET} TEMPLATE template0")
    yield TARGET
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {TARGET} WITH (FORCE)")


@pytest.mark.usefixtures("seeded_categories")
def test_backup_then_restore_gives_back_the_same_data(tmp_path, empty_target):
    offer = OfferFactory(title="Pokoj pro rodinu v Plzni")
    source = connection.settings_dict["NAME"]

    dump = run_script("backup.sh", database=source, backups=tmp_path)
    assert Path(dump).parent == tmp_path and dump.endswith(".dump")
    assert Path(dump).read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    run_script("restore.sh", dump, database=empty_target, backups=tmp_path)
    sql = f"SELECT title, ST_AsText(location) FROM offers_offer WHERE id = {offer.pk}"
    restored = query(empty_target, sql)
    assert restored == query(source, sql)
    assert restored[0][0] == "Pokoj pro rodinu v Plzni"

    # Restoring over a database that changed since puts back what the dump holds; without a
    # file name the newest dump is taken.
    query(empty_target, "TRUNCATE offers_offer CASCADE")
    run_script("restore.sh", database=empty_target, backups=tmp_path)
    assert query(empty_target, sql) == restored
    assert query(empty_target, "SELECT count(*) FROM django_migrations") == query(
        source, "SELECT count(*) FROM django_migrations"
    )


def test_restore_without_a_dump_says_so(tmp_path):
    result = subprocess.run(
        ["bash", "scripts/restore.sh"],
        cwd=ROOT,
        env=os.environ | {"POMOC_BACKUP_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "no dump to restore" in result.stderr
