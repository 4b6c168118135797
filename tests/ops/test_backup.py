"""Backups restore: ``manage.py backup`` (pg_dump on PostgreSQL, SQLite's online backup API)
restored into a fresh database holds the same orders, events and published calendars."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from events.calendar import calendar_compile
from events.models import Event, PublishedCalendar
from orders.models import Order
from tests.events.conftest import at
from tests.ops.conftest import database_url
from tests.orders.factories import submit_order

TABLES = {
    Order._meta.db_table: "id, status, phone, tracking_token, created_at",
    Event._meta.db_table: "id, state, title, start",
    PublishedCalendar._meta.db_table: "month, version, content_hash, ics_text",
}


@pytest.fixture
def world(make_event, tuanjie, neighbour_village, menu_item, tuanjie_station):
    for village in (tuanjie, neighbour_village, tuanjie):
        submit_order(village, menu_item)
    make_event(state="planned", start=at(2026, 12, 3, 9))
    make_event(state="published", start=at(2026, 12, 24, 19))
    calendar_compile(month=dt.date(2026, 12, 1))
    assert PublishedCalendar.objects.count() == 1


def _rows(cursor) -> dict[str, list[tuple]]:
    rows = {}
    for table, columns in TABLES.items():
        cursor.execute(f"SELECT {columns} FROM {table} ORDER BY 1, 2")  # noqa: S608 - our names
        rows[table] = cursor.fetchall()
    return rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pg_dump_restores_into_a_fresh_database(world, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL backup")
    if not shutil.which("pg_restore"):
        pytest.skip("pg_restore is not installed")
    dump = tmp_path / "wenming.dump"
    call_command("backup", output=str(dump))
    assert dump.stat().st_size > 0
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", output=str(dump))

    with connection.cursor() as cursor:
        before = _rows(cursor)
    assert len(before[Order._meta.db_table]) == 3

    fresh = f"wm_restore_{uuid.uuid4().hex[:10]}"
    admin_url = database_url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{fresh}"')
    try:
        fresh_url = admin_url.rsplit("/", 1)[0] + "/" + fresh
        restored = subprocess.run(  # noqa: S603 - pg_restore from PATH, fixed arguments
            [
                shutil.which("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "-d",
                fresh_url,
                str(dump),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert restored.returncode == 0, restored.stderr
        with psycopg.connect(fresh_url) as copy, copy.cursor() as cursor:
            assert _rows(cursor) == before
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_sqlite_online_backup_is_a_consistent_copy(world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite backup")
    path = tmp_path / "copy.sqlite3"
    call_command("backup", output=str(path))
    with connection.cursor() as cursor:
        before = _rows(cursor)
    # Read back as Django reads SQLite (its type converters), to compare like with like.
    copy = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert _rows(copy.cursor()) == before
    finally:
        copy.close()
