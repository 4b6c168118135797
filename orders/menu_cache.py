"""The practice menu's API answers, kept as bytes in the shared cache (issue 19).

The menu changes a few times a month (in the admin) while every resident's phone asks for it:
each answer (per query, language, host) is serialised once and kept under a generation token
that any change to what it shows replaces: a menu item or its towns and villages, a platform,
a category, a team's name, a village moving town. The ETag is the hash of the bytes.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

GENERATION = "menu:generation"
TTL_SECONDS = 24 * 3600


def generation() -> str:
    """The token every stored menu answer and public page is kept under. With the shared cache
    down no token can be known, so each call gets one of its own: pages are rendered afresh
    until the cache is back (a fixed token would keep serving what a worker had stored before
    an edit made during the outage)."""
    token = cache.get(GENERATION)
    if token is None:
        cache.add(GENERATION, uuid.uuid4().hex, None)
        token = cache.get(GENERATION) or uuid.uuid4().hex
    return token


def key(request) -> str:
    """Everything the bytes depend on: the menu's generation, the language (labels), the scheme
    and host (pagination links) and the full query."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    host = f"{request.scheme}://{request.get_host()}"
    return f"menu:{generation()}:{translation.get_language()}:{host}:{path}"


def bump(**kwargs) -> None:
    """Retire every stored answer, now and again once the transaction commits (an answer built
    meanwhile from the uncommitted state is stored under the intermediate token)."""
    cache.set(GENERATION, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(GENERATION, uuid.uuid4().hex, None))


def connect() -> None:
    from orders.models import MenuItem, Platform, ServiceCategory
    from stations.models import Town, Village
    from volunteers.models import Team

    for model in (MenuItem, Platform, ServiceCategory, Team, Town, Village):
        for signal in (post_save, post_delete):
            signal.connect(bump, sender=model, dispatch_uid=f"orders.menu.{model.__name__}")
    for through in (MenuItem.towns.through, MenuItem.villages.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"orders.menu.{through.__name__}")
