"""The practice menu's API answers, kept as bytes in the shared cache (issue 19).

The menu changes a few times a month (in the admin) while every resident's phone asks for it:
each answer (per query, language, host) is serialised once and kept under a generation token
that any change to what it shows replaces: a menu item or its towns and villages, a platform,
a category, a team's name, a village moving town. The ETag is the hash of the bytes.
"""

from __future__ import annotations

import hashlib

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import translation

from core import generations

TTL_SECONDS = 24 * 3600


def generation() -> str:
    """The token every stored menu answer and public page is kept under (``core.generations``:
    with the shared cache down, a token of its own per call, so nothing stored is served)."""
    return generations.current(generations.MENU)[0]


def key(request) -> str:
    """Everything the bytes depend on: the menu's generation, the language (labels), the scheme
    and host (pagination links) and the full query."""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    host = f"{request.scheme}://{request.get_host()}"
    return f"menu:{generation()}:{translation.get_language()}:{host}:{path}"


def bump(**kwargs) -> None:
    generations.bump(generations.MENU)


def connect() -> None:
    from orders.models import MenuItem, Platform, ServiceCategory
    from stations.models import Town, Village
    from volunteers.models import Team

    for model in (MenuItem, Platform, ServiceCategory, Team, Town, Village):
        for signal in (post_save, post_delete):
            signal.connect(bump, sender=model, dispatch_uid=f"orders.menu.{model.__name__}")
    for through in (MenuItem.towns.through, MenuItem.villages.through):
        m2m_changed.connect(bump, sender=through, dispatch_uid=f"orders.menu.{through.__name__}")
