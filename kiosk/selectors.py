"""Reads for the kiosk: the station's menu as tiles, this month's events there, the links a
login manages."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from core.months import bounds, current_month
from events.models import Event
from kiosk.models import KioskLink
from orders.models import MenuItem
from orders.selectors import menu_items_for_village
from stations.models import Position
from stations.scope import scope_for


@dataclass
class Tile:
    id: int
    name: str
    items: list[MenuItem] = field(default_factory=list)


def menu_tiles(station: Position) -> list[Tile]:
    """The village's menu grouped by category, in the menu's order: one tile per category."""
    tiles: dict[int, Tile] = {}
    for item in menu_items_for_village(station.village):
        tile = tiles.setdefault(
            item.category_id, Tile(item.category_id, item.category.display_name)
        )
        tile.items.append(item)
    return list(tiles.values())


def month_events(station: Position) -> list[Event]:
    """This month's published (and done) events held at or organised by the station."""
    start, end = bounds(current_month())
    return list(
        Event.objects.filter(
            Q(venue_position=station) | Q(organiser_position=station),
            state__in=[Event.State.PUBLISHED, Event.State.DONE],
            start__gte=start,
            start__lt=end,
        )
        .order_by("start")
        .only("id", "title", "start", "end", "state")[:20]
    )


def managed_stations(user) -> QuerySet[Position]:
    qs = Position.objects.filter(level=Position.Level.STATION, is_active=True).select_related(
        "village", "town"
    )
    return scope_for(user).filter(qs).order_by("town__sort_order", "village__name")


def links_for(stations: list[Position]) -> dict[int, list[KioskLink]]:
    out: dict[int, list[KioskLink]] = {s.pk: [] for s in stations}
    for link in KioskLink.objects.filter(station__in=stations).order_by("-created_at"):
        out[link.station_id].append(link)
    return out
