"""Who may act on an event or a position: anything outside the caller's area (as
``stations.scope.scope_for`` draws it) is ``NotInScope``, a 404 on pages and in the API."""

from __future__ import annotations

from core.errors import NotInScope
from events.models import Event
from stations.models import Position, Town, Village
from stations.scope import scope_for


def event_in_scope(user, event: Event) -> bool:
    return scope_for(user).covers_organised(
        village_id=event.village_id, town_id=event.town_id, position_id=event.organiser_position_id
    )


def require_event_scope(user, event: Event) -> None:
    if not event_in_scope(user, event):
        raise NotInScope()


def require_area(user, *, town: Town | None, village: Village | None) -> None:
    scope = scope_for(user)
    if village is not None:
        ok = scope.covers_village(village.pk, village.town_id)
    elif town is not None:
        ok = scope.covers_town(town.pk)
    else:
        ok = scope.everything
    if not ok:
        raise NotInScope()


def position_in_scope(user, position: Position) -> bool:
    scope = scope_for(user)
    return (
        scope.everything
        or position.pk in scope.position_ids
        or (position.village_id is not None and position.village_id in scope.village_ids)
        or (position.town_id is not None and position.town_id in scope.town_ids)
    )
