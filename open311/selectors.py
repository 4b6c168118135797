"""Reads for the Open311 API: villages by code, their menus, a partner's orders."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from core.params import is_digits
from orders import selectors as order_selectors
from orders.models import MenuItem, Order
from stations.models import Position, Village

# GeoReport v2: "Default query limit is a span of 90 days or first 1000 requests returned,
# whichever is smallest", and a given range "may not span more than 90 days".
MAX_SPAN = dt.timedelta(days=90)
MAX_REQUESTS = 1000


def village_by_code(code: str) -> Village | None:
    """The village whose 区划代码 is ``code`` (jurisdiction_id); ``None`` if none or not one."""
    if not code or len(code) > 12:
        return None
    villages = list(Village.objects.filter(code=code).select_related("town", "town__city")[:2])
    return villages[0] if len(villages) == 1 else None


def services_for_village(village: Village) -> QuerySet[MenuItem]:
    """The village's menu (the one rule of what a village offers: ``orders.selectors``)."""
    return order_selectors.menu_items_for_village(village).select_related("platform")


def service_by_code(code: str) -> MenuItem | None:
    """An active menu item by its service_code (its id, as digits)."""
    # Canonical digits only: "001" is not service 1 (a code is compared as text, as sent).
    if not is_digits(code) or len(code) > 18 or code != str(int(code)):
        return None
    return (
        MenuItem.objects.filter(pk=int(code), is_active=True)
        .select_related("category", "platform")
        .first()
    )


def partner_orders(partner_id: int) -> QuerySet[Order]:
    """The orders placed through ``partner_id``, with what a request shows, newest first."""
    return (
        Order.objects.filter(open311__partner_id=partner_id)
        .select_related(
            "village", "town", "town__city", "menu_item", "accepted_by", "accepted_team"
        )
        .order_by("-created_at", "-id")
    )


def stations_by_village(village_ids: set[int]) -> dict[int, Position]:
    """Each village's active station (the agency responsible), in one query."""
    return {
        p.village_id: p
        for p in Position.objects.filter(
            level=Position.Level.STATION, village_id__in=village_ids, is_active=True
        )
    }
