"""A cache of computed coverage reports, invalidated by generation tokens.

The coverage figures change only when a rollup row is rewritten or a place (town, village,
station, category) is edited. Every cache key carries the tokens of what the report reads, and
each change replaces the tokens it affects, so a page never shows figures older than the last
change it could see; the TTL only bounds memory. With Redis (CACHE_URL) the cache and the tokens
are shared by every worker.

Three kinds of token:

- ``ALL``: places and full rebuilds; every report depends on it.
- ``town:<id>``: a refresh of that town's rollup rows; the town's and its villages' reports
  depend on it, so a service in one town leaves the other towns' pages cached.
- ``ANY``: any town's refresh; reports over several towns (the city) depend on it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

PREFIX = "reports:generation"
ALL = f"{PREFIX}:all"
ANY = f"{PREFIX}:any"
TTL_SECONDS = 10 * 60


def _town(town_id: int) -> str:
    return f"{PREFIX}:town:{town_id}"


def _tokens(keys: list[str]) -> list[str]:
    found = cache.get_many(keys)
    missing = [k for k in keys if k not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, None)
        found.update(cache.get_many(missing))
    return [found.get(k, "none") for k in keys]


def _replace(keys: Iterable[str]) -> None:
    cache.set_many({k: uuid.uuid4().hex for k in keys}, None)


def bump(*, town_ids: Iterable[int] | None = None) -> None:
    """Invalidate the reports that read the given towns (None: every report), now and again
    once the current transaction commits: a report computed meanwhile from the not yet
    committed state is cached under the intermediate token and so is never served after the
    commit."""
    keys = [ALL] if town_ids is None else [ANY, *(_town(t) for t in set(town_ids))]
    _replace(keys)
    transaction.on_commit(lambda: _replace(keys))


def cached(
    key: str,
    compute: Callable[[], Any],
    *,
    town_id: int | None = None,
    fresh_until: Callable[[Any], dt.datetime | None] | None = None,
) -> Any:
    """``compute()``, cached until a change it could see. ``town_id``: the report reads only
    that town; None: it may read any town. ``fresh_until(value)``: a moment after which the
    value goes stale without any change (an order becoming overdue), or None."""
    tokens = _tokens([ALL, ANY if town_id is None else _town(town_id)])
    full_key = f"reports:{':'.join(tokens)}:{key}"
    hit = cache.get(full_key)
    if hit is not None:
        value, until = hit
        if until is None or timezone.now() < until:
            return value
    value = compute()
    until = fresh_until(value) if fresh_until else None
    cache.set(full_key, (value, until), TTL_SECONDS)
    return value


def on_place_changed(sender, **kwargs) -> None:
    bump()
