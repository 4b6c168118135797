"""The migrated SQLite test schema, kept between runs (a template, as PostgreSQL's createdb has).

Every test process creates its in-memory database by running all the migrations: ≈ 13 s of
CPU each, paid again on every run although the migrations rarely change. The first process to
migrate a given set of migrations copies the result to a file named after their digest (the
migration files, the locked dependency versions, Django's version); later processes copy that
file into their in-memory database with SQLite's backup API instead of migrating.

Only the session's own database creation uses it (``install()`` in ``tests/conftest.py``): a
test that runs ``migrate`` itself still runs the real command. PostgreSQL is not concerned.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import django
from django.conf import settings
from django.core.management.commands import migrate
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
FOLDER = Path(tempfile.gettempdir()) / "wenming-test-schema"


def digest() -> str:
    """What the migrated schema depends on: every migration file of ours, the locked versions
    of the dependencies (theirs), Django's own version, the cache table's name (a migration
    creates it)."""
    h = hashlib.sha256(f"{django.get_version()}:{settings.CACHE_TABLE}".encode())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    lock = ROOT / "uv.lock"
    if lock.exists():
        h.update(lock.read_bytes())
    return h.hexdigest()[:24]


def _in_memory(alias: str) -> bool:
    connection = connections[alias]
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


def install():
    """While the test databases are created: ``migrate`` on an in-memory SQLite database copies
    the template when there is one, else migrates and writes it. Returns what undoes it."""
    original = migrate.Command.handle
    template = FOLDER / f"{digest()}.sqlite3"

    def handle(self, *args, **options):
        alias = options.get("database") or "default"
        if not _in_memory(alias):
            return original(self, *args, **options)
        connection = connections[alias]
        connection.ensure_connection()
        try:
            # Read-only: a template removed meanwhile is an error here, not an empty database.
            source = sqlite3.connect(f"file:{template}?mode=ro", uri=True)
        except sqlite3.OperationalError:
            result = original(self, *args, **options)
            _write(connection.connection, template)
            return result
        with contextlib.closing(source):
            source.backup(connection.connection)
        return None

    def uninstall() -> None:
        migrate.Command.handle = original

    migrate.Command.handle = handle
    return uninstall


def _write(source: sqlite3.Connection, template: Path) -> None:
    """Written under a temporary name and renamed, so that a process never reads half a file.
    Templates of other migrations written over a week ago are removed."""
    FOLDER.mkdir(parents=True, exist_ok=True)
    partial = template.with_suffix(f".{os.getpid()}.partial")
    with contextlib.closing(sqlite3.connect(partial)) as target:
        source.backup(target)
    os.replace(partial, template)
    week_ago = time.time() - 7 * 24 * 3600
    for old in FOLDER.glob("*.sqlite3"):
        with contextlib.suppress(OSError):
            if old != template and old.stat().st_mtime < week_ago:
                old.unlink()
