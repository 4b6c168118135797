"""A service request as the specification shows it: GeoReport's two statuses, the detail in
``status_notes``, and the list every request answer is."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from open311 import formats, selectors
from orders.models import Order

#: GeoReport's two statuses: "open" (it has been reported) and "closed" (it has been
#: resolved); the detailed status goes in status_notes.
STATUS_GROUPS = {
    "open": (*Order.WAITING, *Order.IN_SERVICE),
    "closed": (*Order.SERVED, *Order.CLOSED),
}


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def status_notes(order: Order) -> str:
    """The detailed status, in the reader's language: what the station would say."""
    label = str(order.get_status_display())
    if order.status in Order.IN_SERVICE and order.owner_label:
        return _("%(status)s：%(who)s") % {"status": label, "who": order.owner_label}
    if order.is_closed and order.reason:
        return _("%(status)s：%(reason)s") % {"status": label, "reason": order.reason}
    if order.status == Order.Status.RATED and order.stars:
        return _("%(status)s：%(n)d 星") % {"status": label, "n": order.stars}
    return label


def service_requests(fmt: str, orders: list[Order]) -> HttpResponse:
    stations = selectors.stations_by_village({order.village_id for order in orders})
    value = []
    for order in orders:
        station = stations.get(order.village_id)
        expected = None
        if order.preferred_date:
            expected = timezone.make_aware(dt.datetime.combine(order.preferred_date, dt.time()))
        value.append(
            {
                "service_request_id": order.number,
                "status": "closed" if order.is_served or order.is_closed else "open",
                "status_notes": status_notes(order),
                "service_name": order.menu_item.title,
                "service_code": str(order.menu_item_id),
                "description": order.description or None,
                "agency_responsible": station.name if station else None,
                "service_notice": None,
                "requested_datetime": _iso(order.created_at),
                "updated_datetime": _iso(order.updated_at),
                "expected_datetime": _iso(expected),
                # Most specific first, as the specification asks.
                "address": "，".join([order.village.name, order.town.name, order.town.city.name]),
                "address_id": order.village.code or None,
                "zipcode": None,
                "lat": None,
                "long": None,
                "media_url": None,
            }
        )
    return formats.respond(fmt, "service_requests", value)
