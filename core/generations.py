"""Generation tokens: one random token per kind of public content, kept in the shared cache.

What the public sees (the practice menu, the published calendars) changes a few times a month
and is read all day. Answers built from it are kept under the token of what they show, and any
change to that content replaces the token: nothing is ever invalidated by hand, an answer kept
under a retired token is simply never asked for again (and the LRU or the TTL drops it).

The token is replaced twice: at once, and again when the transaction commits. An answer built
between the two, from the state before the commit, is kept under the intermediate token and
never served after the commit.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.core.cache import cache
from django.db import transaction

from core.cache import CacheUnavailable

logger = logging.getLogger(__name__)

MENU = "menu"  # menu items, platforms, categories, teams, towns and villages (their names)
CALENDAR = "calendar"  # published calendar versions
# Who may see what: roles, the stations they name, and which logins are volunteers. Read on
# every signed-in request (the scope, the navigation) and changed by an administrator.
ROLES = "roles"

# A value kept under a token is also dropped after this many seconds (``backstop()`` in its
# key): a write that bypassed the signals which replace the token shows within a minute.
BACKSTOP_SECONDS = 60
# A login's inbox token is dropped after a day without a change (a missing token is a new one).
INBOX_TTL_SECONDS = 24 * 60 * 60


def inbox(user_id: int) -> str:
    """The kind for one login's inbox (its unread count in the header of every page)."""
    return f"inbox:{user_id}"


def backstop() -> int:
    return int(time.time() // BACKSTOP_SECONDS)


def _key(name: str) -> str:
    return f"{name}:generation"


def current(*names: str) -> tuple[str, ...]:
    """The tokens of ``names``, in one round trip to the cache when they all exist.

    With the shared cache down no token can be known, so each call gets tokens of its own:
    answers are built afresh until the cache is back (a fixed token would keep serving what a
    worker had stored before an edit made during the outage)."""
    keys = [_key(name) for name in names]
    found = cache.get_many(keys)
    tokens = []
    for key in keys:
        token = found.get(key)
        if token is None:
            cache.add(key, uuid.uuid4().hex, _timeout(key.removesuffix(":generation")))
            token = cache.get(key) or uuid.uuid4().hex
        tokens.append(token)
    return tuple(tokens)


def _timeout(name: str) -> int | None:
    return INBOX_TTL_SECONDS if name.startswith("inbox:") else None


def bump(*names: str) -> None:
    """Retire every answer kept under ``names``, now and once the transaction commits.

    ``ROLES`` is written past the shared cache's circuit breaker
    (``ResilientRedisCache.set_many_now``): a role revoked in a worker that saw Redis fail a
    second earlier must still reach the others.
    A write Redis refuses is logged as an error; the values kept under the old token then go
    with ``BACKSTOP_SECONDS``."""

    def replace() -> None:
        for timeout, urgent in {(_timeout(name), name == ROLES) for name in names}:
            tokens = {
                _key(name): uuid.uuid4().hex
                for name in sorted(names)  # one order: no two writers wait on each other
                if _timeout(name) == timeout and (name == ROLES) == urgent
            }
            # Only access control goes past the breaker: a bell or a menu may wait for the
            # backstop, and with Redis hanging every order's notices would wait for its timeout.
            write = getattr(cache, "set_many_now", cache.set_many) if urgent else cache.set_many
            try:
                failed = write(tokens, timeout)
            except CacheUnavailable:
                failed = list(tokens)
            if failed:
                logger.error("generation tokens not replaced (cache unavailable): %s", failed)

    replace()
    transaction.on_commit(replace)
