"""Caches that every worker sees: the database cache in production, its table made by migrate."""

import runpy
from pathlib import Path

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache
from django.db import connection

SETTINGS = Path(settings.BASE_DIR) / "config" / "settings.py"


def test_migrate_creates_the_cache_table(db):
    assert settings.CACHE_TABLE in connection.introspection.table_names()
    cache = DatabaseCache(settings.CACHE_TABLE, {})
    cache.set("reports:probe", {"served": 3}, 60)
    assert cache.get("reports:probe") == {"served": 3}


def _backend(monkeypatch, **env) -> str:
    """The cache backend the settings file chooses under ``env`` (read afresh, in-process)."""
    monkeypatch.delenv("CACHE_URL", raising=False)
    monkeypatch.setenv("DJANGO_SECRET_KEY", "test-only")
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "localhost")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))["CACHES"]["default"]["BACKEND"]


def test_production_without_cache_url_shares_the_database_cache(monkeypatch):
    assert _backend(monkeypatch, DJANGO_DEBUG="0").endswith("db.DatabaseCache")
    assert _backend(monkeypatch, DJANGO_DEBUG="1").endswith("locmem.LocMemCache")
    redis = _backend(monkeypatch, DJANGO_DEBUG="0", CACHE_URL="redis://127.0.0.1:1/0")
    assert redis.endswith("RedisCache")
