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

import time
import uuid

from django.core.cache import cache
from django.db import transaction

MENU = "menu"  # menu items, platforms, categories, teams, towns and villages (their names)
CALENDAR = "calendar"  # published calendar versions
# Who may see what: roles, the stations they name, and which logins are volunteers. Read on
# every signed-in request (the scope, the navigation) and changed by an administrator.
ROLES = "roles"

# A value kept under a token is also dropped after this many seconds (``backstop()`` in its
# key): a write that bypassed the signals which replace the token shows within a minute.
BACKSTOP_SECONDS = 60


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
            cache.add(key, uuid.uuid4().hex, None)
            token = cache.get(key) or uuid.uuid4().hex
        tokens.append(token)
    return tuple(tokens)


def bump(*names: str) -> None:
    """Retire every answer kept under ``names``, now and once the transaction commits."""

    def replace() -> None:
        cache.set_many({_key(name): uuid.uuid4().hex for name in names}, None)

    replace()
    transaction.on_commit(replace)
