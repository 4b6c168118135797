"""The migrated SQLite schema kept between test runs (``tests/schema_template.py``) must never
stand in for migrations it has not seen."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import schema_template


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied():
    """Copied from the template or migrated, the database this run uses has no migration left
    to apply: a template from before a new migration would fail here."""
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    assert executor.migration_plan(targets) == []


def test_the_digest_follows_every_migration_file(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_template, "ROOT", tmp_path)
    migrations = tmp_path / "stations" / "migrations"
    migrations.mkdir(parents=True)
    first = migrations / "0001_initial.py"
    first.write_text("operations = []\n")
    before = schema_template.digest()
    assert schema_template.digest() == before
    first.write_text("operations = ['changed']\n")
    edited = schema_template.digest()
    (migrations / "0002_more.py").write_text("operations = []\n")
    added = schema_template.digest()
    assert len({before, edited, added}) == 3
