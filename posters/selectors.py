"""What a station's poster shows, read for one station or for a whole town at once.

A town's posters come from a fixed number of queries whatever the number of its stations: the
menu's categories are read per kind of reach (city-wide, the town's, each village's) once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse

from orders.models import MenuItem, ServiceCategory
from stations.models import Position, Town
from stations.scope import scope_for


@dataclass(frozen=True)
class Poster:
    station: Position
    categories: list[str] = field(default_factory=list)
    #: The public base URL (``core.absolute_urls.site_url``): a QR code needs an absolute link.
    site: str = ""

    @property
    def order_url(self) -> str:
        """The order form with the village already chosen."""
        return f"{self.site}{reverse('orders:new')}?village={self.station.village_id}"

    @property
    def calendar_url(self) -> str:
        """The village's subscribable calendar (events of the village, its town and the city)."""
        return f"{self.site}{reverse('events:calendar_feed')}?village={self.station.village_id}"


def stations_for_user(user) -> QuerySet[Position]:
    """Active village stations the login manages (a station head's own, a town's, the city's)."""
    qs = Position.objects.filter(level=Position.Level.STATION, is_active=True).select_related(
        "village", "town"
    )
    return scope_for(user).filter(qs).order_by("town__sort_order", "village__name")


def station_for_user(user, pk: int) -> Position | None:
    """The station ``pk`` if the login manages it; ``None`` (a 404) otherwise."""
    return stations_for_user(user).filter(pk=pk).first()


def _categories_by_village(town_id: int, village_ids: list[int]) -> dict[int, list[str]]:
    """Category names on each village's menu: city-wide items, the town's and the village's own.

    Three queries, whatever the number of villages (mirrors ``menu_items_for_village``).
    """
    active = MenuItem.objects.filter(is_active=True)
    common = set(
        active.filter(reach=MenuItem.Reach.CITYWIDE).values_list("category_id", flat=True)
    ) | set(
        active.filter(reach=MenuItem.Reach.TOWNS, towns=town_id).values_list(
            "category_id", flat=True
        )
    )
    own: dict[int, set[int]] = {vid: set() for vid in village_ids}
    for village_id, category_id in active.filter(
        reach=MenuItem.Reach.VILLAGES, villages__in=village_ids
    ).values_list("villages", "category_id"):
        own[village_id].add(category_id)
    wanted = common.union(*own.values())
    names = [
        (c.pk, c.display_name)
        for c in ServiceCategory.objects.filter(pk__in=wanted).order_by("sort_order", "name")
    ]
    return {vid: [name for pk, name in names if pk in common or pk in own[vid]] for vid in own}


def posters_for(stations: list[Position], *, site: str) -> list[Poster]:
    """One poster per station (all of one town, or a single one); ``site`` is the public base
    URL its QR codes start with (``core.absolute_urls.site_url(request)``)."""
    by_town: dict[int, list[Position]] = {}
    for station in stations:
        by_town.setdefault(station.town_id, []).append(station)
    categories: dict[int, list[str]] = {}
    for town_id, group in by_town.items():
        categories.update(_categories_by_village(town_id, [s.village_id for s in group]))
    return [
        Poster(station=s, categories=categories.get(s.village_id, []), site=site) for s in stations
    ]


def town_for_user(user, pk: int) -> Town | None:
    """The town ``pk`` if the login administers all of it (a town or city admin)."""
    scope = scope_for(user)
    if not scope.covers_town(pk):
        return None
    return Town.objects.filter(pk=pk).first()


def towns_for_user(user) -> QuerySet[Town]:
    """Towns whose posters the login may download whole (town and city admins)."""
    scope = scope_for(user)
    towns = Town.objects.order_by("sort_order", "name")
    return towns if scope.everything else towns.filter(pk__in=scope.town_ids)


def town_stations(town: Town) -> list[Position]:
    return list(
        Position.objects.filter(level=Position.Level.STATION, is_active=True, town=town)
        .select_related("village", "town")
        .order_by("village__name")
    )
