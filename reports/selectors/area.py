"""Where a report looks (the caller's scope, a town or a village), and the shapes every report
shares: a report is a dataclass of typed rows, and ``as_dict()`` is its JSON form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from core.names import in_language
from orders.models import ServiceCategory
from stations.models import Town, Village
from stations.scope import Scope

RANGE_MONTHS = 12


@dataclass(frozen=True)
class Area:
    """Where a report looks: the caller's whole scope, one town, or one village."""

    scope: Scope
    town: Town | None = None
    village: Village | None = None

    @property
    def level(self) -> str:
        return "village" if self.village else "town" if self.town else "city"

    def q(self, *, town: str = "town", village: str = "village") -> Q:
        """A filter for rows whose town and village are the lookups ``town`` and ``village``
        (a foreign key, a reverse relation or ``pk``)."""
        if self.village is not None:
            return Q(**{village: self.village.pk})
        q = Q()
        if not self.scope.everything:
            q = Q(pk__in=[])
            if self.scope.town_ids:
                q |= Q(**{f"{town}__in": self.scope.town_ids})
            if self.scope.village_ids:
                q |= Q(**{f"{village}__in": self.scope.village_ids})
        if self.town is not None:
            q &= Q(**{town: self.town.pk})
        return q


def resolve_area(scope: Scope, *, town_id: int | None = None, village_id: int | None = None):
    """The area a request asks for, or Http404 when it lies outside the caller's scope.

    With no town or village, a town admin of one town lands on that town and a station head
    on their village: the widest view each of them may see.
    """
    if scope.is_empty:
        raise Http404
    if village_id is not None:
        village = Village.objects.select_related("town").filter(pk=village_id).first()
        if village is None or not scope.covers_village(village.pk, village.town_id):
            raise Http404
        if town_id is not None and town_id != village.town_id:
            raise Http404
        return Area(scope, town=village.town, village=village)
    if town_id is not None:
        town = Town.objects.filter(pk=town_id).first()
        if town is None or not scope.covers_town(town.pk):
            raise Http404
        return Area(scope, town=town)
    if not scope.everything:
        if len(scope.town_ids) == 1 and not scope.village_ids:
            return Area(scope, town=Town.objects.get(pk=next(iter(scope.town_ids))))
        if len(scope.village_ids) == 1 and not scope.town_ids:
            village = Village.objects.select_related("town").get(pk=next(iter(scope.village_ids)))
            return Area(scope, town=village.town, village=village)
    return Area(scope)


def area_key(area: Area) -> str:
    """A cache key part naming the area and the caller's scope."""
    scope = area.scope
    who = (
        "all"
        if scope.everything
        else (
            "t"
            + ",".join(map(str, sorted(scope.town_ids)))
            + "v"
            + ",".join(map(str, sorted(scope.village_ids)))
        )
    )
    where = f"v{area.village.pk}" if area.village else f"t{area.town.pk}" if area.town else "c"
    return f"{who}:{where}"


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


class Report:
    """A report's typed form; ``as_dict()`` gives the plain form the API sends."""

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class Named:
    id: int | None
    name: str


def categories() -> list[Named]:
    """The categories with their names in the reader's language (``core.names``)."""
    return [
        Named(id, in_language(name, name_en))
        for id, name, name_en in ServiceCategory.objects.order_by("sort_order", "name").values_list(
            "id", "name", "name_en"
        )
    ]
