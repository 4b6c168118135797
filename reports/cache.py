"""A cache of computed coverage reports, invalidated by a generation token.

The coverage figures change only when a rollup row is rewritten or a place (town, village,
station, category) is edited. Each of those replaces the generation token, which is part of every
cache key, so a page never shows figures older than the last change it could see; the TTL only
bounds memory. With Redis (CACHE_URL) the cache and the token are shared by every worker.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "reports:generation"
TTL_SECONDS = 10 * 60


def generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        token = cache.get(GENERATION_KEY) or "none"
    return token


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def bump() -> None:
    """Invalidate every cached report now and again once the current transaction commits: a
    report computed meanwhile from the not yet committed state is cached under the
    intermediate token and so is never served after the commit."""
    _new_generation()
    transaction.on_commit(_new_generation)


def cached(key: str, compute: Callable[[], Any]) -> Any:
    full_key = f"reports:{generation()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, TTL_SECONDS)
    return value


def on_place_changed(sender, **kwargs) -> None:
    bump()
