"""``manage.py backup [--output PATH]``: a consistent copy of the database, made while it runs.

- SQLite: SQLite's online backup API (``sqlite3.Connection.backup``), page by page under the
  database's own locking, so writes during the copy never leave it half-written (copying the
  file with ``cp`` can).
- PostgreSQL: ``pg_dump --format=custom`` (one transaction snapshot), restored with
  ``pg_restore``; README "Operations" › "Backups" has the steps and a schedule.

The password goes to ``pg_dump`` in its environment, never on its command line.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


class Command(BaseCommand):
    help = "Write a consistent backup of the database (SQLite: online backup; PostgreSQL: pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="file to write (default: backups/wenming-<UTC time>.sqlite3 or .dump)",
        )

    def handle(self, *args, output: str | None = None, **options):
        vendor = connection.vendor
        if vendor not in {"sqlite", "postgresql"}:
            raise CommandError(f"no backup for the {vendor} backend")
        suffix = ".sqlite3" if vendor == "sqlite" else ".dump"
        stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
        path = Path(output or settings.BASE_DIR / "backups" / f"wenming-{stamp}{suffix}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise CommandError(f"{path} exists: not overwriting a backup")
        partial = path.with_name(path.name + ".partial")
        try:
            if vendor == "sqlite":
                self._sqlite(partial)
            else:
                self._postgresql(partial)
            partial.rename(path)  # a backup file is complete or absent, never half-written
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(f"{path} ({path.stat().st_size} bytes)")

    def _sqlite(self, path: Path) -> None:
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            with target:
                connection.connection.backup(target)
        finally:
            target.close()

    def _postgresql(self, path: Path) -> None:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise CommandError(
                "pg_dump is not installed (Debian: apt-get install postgresql-client)"
            )
        s = connection.settings_dict
        env = {**os.environ, "PGDATABASE": s["NAME"]}
        for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
            if s.get(key):
                env[name] = str(s[key])
        if s.get("PASSWORD"):
            env["PGPASSWORD"] = s["PASSWORD"]
        result = subprocess.run(  # noqa: S603 - pg_dump from PATH, fixed arguments
            [pg_dump, "--format=custom", "--no-owner", "--no-privileges", "--file", str(path)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
