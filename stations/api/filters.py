"""Query-string filters for the place lists (``?town=3&kind=village``)."""

from core.filters import IdFilter, StrictFilterSet
from stations.models import Position, Town, Village


class TownFilter(StrictFilterSet):
    city = IdFilter(field_name="city_id")

    class Meta:
        model = Town
        fields = ["city", "kind"]


class VillageFilter(StrictFilterSet):
    town = IdFilter(field_name="town_id")
    city = IdFilter(field_name="town__city_id")

    class Meta:
        model = Village
        fields = ["town", "city", "kind"]


class PositionFilter(StrictFilterSet):
    city = IdFilter(field_name="city_id")
    town = IdFilter(field_name="town_id")
    village = IdFilter(field_name="village_id")

    class Meta:
        model = Position
        fields = ["level", "city", "town", "village", "is_active"]
