"""Which tier an unclaimed order is due at, and which team it is then offered to (the rule
``orders.escalation`` applies, and ``orders.notices`` names in its messages).

Which detachment "matches": the one offering the order's menu item, if a characteristic
detachment offers it; else the detachment offering most active menu services on the order's
platform (七大平台), then on its category; with none, no team (the city admin assigns).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q

from orders.models import MenuItem, Order
from volunteers.models import Team

Tier = Order.Tier

# The tiers in the order an unclaimed order climbs them, with the tiers it climbs from.
CLIMB: tuple[tuple[str, tuple[str, ...]], ...] = (
    (Tier.TOWN, (Tier.VILLAGE,)),
    (Tier.CITY, (Tier.VILLAGE, Tier.TOWN)),
)


def hours_for(tier: str) -> int:
    return {
        Tier.TOWN: settings.WENMING_ESCALATE_TOWN_HOURS,
        Tier.CITY: settings.WENMING_ESCALATE_CITY_HOURS,
    }[tier]


def due_q(tier: str, now: dt.datetime) -> Q:
    """Orders that should now be at ``tier`` and are still below it, waiting for someone."""
    below = dict(CLIMB)[tier]
    return Q(
        status__in=Order.WAITING,
        tier__in=below,
        created_at__lte=now - dt.timedelta(hours=hours_for(tier)),
    )


def town_team(order: Order) -> Team | None:
    """The town detachment (镇街支队) of the order's town; its squads serve with it."""
    return (
        Team.objects.filter(kind=Team.Kind.TOWN_DETACHMENT, town_id=order.town_id, is_active=True)
        .order_by("sort_order", "id")
        .first()
    )


def city_team(order: Order) -> Team | None:
    """The city's characteristic detachment that matches the order (see the module docstring)."""
    detachments = Team.objects.filter(kind=Team.Kind.DETACHMENT, is_active=True)
    item = MenuItem.objects.filter(pk=order.menu_item_id).values("team_id", "platform_id").first()
    if item and item["team_id"]:
        own = detachments.filter(pk=item["team_id"]).first()
        if own is not None:
            return own
    offered = Q(menu_items__is_active=True)
    for match in (
        Q(menu_items__platform_id=item["platform_id"]) if item else None,
        Q(menu_items__category_id=order.category_id),
    ):
        if match is None:
            continue
        best = (
            detachments.annotate(n=Count("menu_items", filter=offered & match))
            .filter(n__gt=0)
            .order_by("-n", "sort_order", "id")
            .first()
        )
        if best is not None:
            return best
    return None


def team_for(order: Order, tier: str) -> Team | None:
    return town_team(order) if tier == Tier.TOWN else city_team(order)
