"""Query-string filters for teams and volunteers."""

from core.filters import BoundedDateFilter, IdFilter, StrictFilterSet
from volunteers.models import Team, Volunteer


class TeamFilter(StrictFilterSet):
    town = IdFilter(field_name="town_id")
    village = IdFilter(field_name="village_id")
    parent = IdFilter(field_name="parent_id")

    class Meta:
        model = Team
        fields = ["kind", "town", "village", "parent", "is_active"]


class VolunteerFilter(StrictFilterSet):
    town = IdFilter(field_name="town_id")
    village = IdFilter(field_name="home_village_id")
    team = IdFilter(field_name="teams")
    # A service category id (the volunteer's skill); categories live on the orders side.
    skill = IdFilter(field_name="skills")
    joined_after = BoundedDateFilter(field_name="joined_on", lookup_expr="gte")
    joined_before = BoundedDateFilter(field_name="joined_on", lookup_expr="lte")

    class Meta:
        model = Volunteer
        fields = ["town", "village", "team", "skill", "is_active", "joined_after", "joined_before"]
