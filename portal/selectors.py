"""Reads for the public home page."""

from django.db.models import Count, Q

from orders.models import MenuItem
from stations.models import Town, Village
from volunteers.models import Volunteer


def home_stats() -> dict:
    """The network at a glance: what 全覆盖 means in numbers."""
    villages = Village.objects.aggregate(
        total=Count("id"), with_station=Count("id", filter=Q(positions__level="station"))
    )
    return {
        "towns": Town.objects.count(),
        "villages": villages["total"],
        "stations": villages["with_station"],
        "volunteers": Volunteer.objects.filter(is_active=True).count(),
        "menu_items": MenuItem.objects.filter(is_active=True).count(),
    }
