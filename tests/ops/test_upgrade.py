"""Upgrades: the previous release's own code migrates a fresh PostgreSQL database and fills it
with its demo data; today's ``manage.py migrate`` then runs on that copy and keeps the data.

The release is named in ``.ci/previous-release``; its files come from git (``git archive``), so
this needs the repository's history: in CI it fails without it, elsewhere it skips.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import uuid

import psycopg
import pytest
from django.db import connection

from tests.ops.conftest import ROOT, database_url

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="upgrades are tested on PostgreSQL"
)


def _release() -> str:
    lines = (ROOT / ".ci" / "previous-release").read_text(encoding="utf-8").splitlines()
    return lines[0].strip()


def _checkout(ref: str, target) -> None:
    if GIT is None:
        pytest.skip("git is not installed")
    archive = subprocess.run(  # noqa: S603 - git from PATH, fixed arguments
        [GIT, "-C", str(ROOT), "archive", "--format=tar", ref],
        capture_output=True,
        check=False,
    )
    if archive.returncode != 0:
        message = f"release {ref} is not in this clone: {archive.stderr.decode().strip()}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


def _manage(cwd, *args: str, env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"{args} in {cwd}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    )


def _counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
            for table in (
                "stations_village",
                "orders_menuitem",
                "volunteers_volunteer",
                "auth_user",
            )
        }


@pytest.mark.postgres
def test_migrate_from_the_previous_release_with_its_demo_data(tmp_path):
    old = tmp_path / "release"
    old.mkdir()
    _checkout(_release(), old)
    name = f"wm_upgrade_{uuid.uuid4().hex[:10]}"
    admin_url = database_url().rsplit("/", 1)[0] + "/postgres"
    url = admin_url.rsplit("/", 1)[0] + "/" + name
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "WENMING_", "DATABASE_", "CELERY_", "CACHE_"))
    }
    env.update({"DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"})
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        _manage(old, "migrate", "--noinput", env=env)
        _manage(old, "seed_api_fixture", env=env)
        before = _counts(url)
        assert before["stations_village"] > 0
        _manage(ROOT, "migrate", "--noinput", env=env)
        _manage(ROOT, "migrate", "--check", env=env)  # nothing left unapplied
        assert _counts(url) == before
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
