"""Which part of the hierarchy a login may see and manage.

A superuser and a city admin see the whole city; a town admin their town(s); a station head
their station's village. Everything outside the scope is reported as "not found" (404), never
"forbidden", so that nobody learns what exists outside their area.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from core import generations
from core.stored import LocalBlobs
from stations.models import Role


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    town_ids: frozenset[int] = field(default_factory=frozenset)
    village_ids: frozenset[int] = field(default_factory=frozenset)
    # Stations this login heads (station heads manage their station's orders and events).
    position_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.town_ids or self.village_ids)

    @property
    def is_admin(self) -> bool:
        """True for city and town admins and station heads: anyone with an administrative area."""
        return not self.is_empty

    def q(self, *, town: str = "town", village: str = "village") -> Q:
        """A filter for rows whose area is given by the ``town`` and ``village`` lookups."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        if self.town_ids:
            q |= Q(**{f"{town}_id__in": self.town_ids})
        if self.village_ids:
            q |= Q(**{f"{village}_id__in": self.village_ids})
        return q

    def filter(
        self, queryset: QuerySet, *, town: str = "town", village: str = "village"
    ) -> QuerySet:
        return queryset.filter(self.q(town=town, village=village))

    def covers_town(self, town_id: int | None) -> bool:
        return self.everything or town_id in self.town_ids

    def covers_village(self, village_id: int | None, town_id: int | None = None) -> bool:
        return (
            self.everything
            or village_id in self.village_ids
            or (town_id is not None and town_id in self.town_ids)
        )

    def covers_organised(
        self, *, village_id: int | None, town_id: int | None, position_id: int | None
    ) -> bool:
        """Whether something held in a village, or in a whole town, and organised by a position
        (an event, a service record) is this scope's: the city sees everything, a station head
        what their station organises, an area admin what is held in their area."""
        if self.everything:
            return True
        if position_id and position_id in self.position_ids:
            return True
        if village_id:
            return self.covers_village(village_id, town_id)
        return town_id is not None and self.covers_town(town_id)


EMPTY = Scope()


# Scopes by login and roles generation, per process: a signed-in request reads the token (one
# round trip to the shared cache) instead of the login's roles and stations.
_KEPT = LocalBlobs(size=4096)


def roles_generation(user) -> str:
    """The token of everything a login's scope and navigation derive from (``core.generations``:
    replaced by any change to roles, stations or volunteers' logins); once per request."""
    token = getattr(user, "_wenming_roles_generation", None)
    if token is None:
        token = f"{generations.current(generations.ROLES)[0]}:{generations.backstop()}"
        user._wenming_roles_generation = token
    return token


def scope_for(user) -> Scope:
    """The administrative scope of ``user``; cached on the user object for the request, and
    per process until a role or station changes (``stations.receivers``)."""
    if user is None or not user.is_authenticated:
        return EMPTY
    cached = getattr(user, "_wenming_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser:
        scope = Scope(everything=True)
    else:
        scope = _KEPT.get((user.pk, roles_generation(user)), lambda: _scope_from_roles(user))
    user._wenming_scope = scope
    return scope


def _scope_from_roles(user) -> Scope:
    towns: set[int] = set()
    villages: set[int] = set()
    positions: set[int] = set()
    everything = False
    roles = Role.objects.filter(user=user).select_related("position")
    for role in roles:
        if role.kind == Role.Kind.CITY_ADMIN:
            everything = True
        elif role.kind == Role.Kind.TOWN_ADMIN:
            towns.add(role.town_id)
        elif role.kind == Role.Kind.STATION_HEAD and role.position is not None:
            positions.add(role.position_id)
            if role.position.village_id:
                villages.add(role.position.village_id)
            elif role.position.town_id:
                towns.add(role.position.town_id)
            else:
                everything = True
    return Scope(
        everything=everything,
        town_ids=frozenset(towns),
        village_ids=frozenset(villages),
        position_ids=frozenset(positions),
    )
