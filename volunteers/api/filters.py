"""Query-string filters for teams and volunteers."""

import django_filters

from core.filters import BoundedDateFilter
from stations.models import Town, Village
from volunteers.models import Team, Volunteer


class TeamFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(queryset=Town.objects.all())
    village = django_filters.ModelChoiceFilter(queryset=Village.objects.all())
    parent = django_filters.ModelChoiceFilter(queryset=Team.objects.all())

    class Meta:
        model = Team
        fields = ["kind", "town", "village", "parent", "is_active"]


class VolunteerFilter(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(queryset=Town.objects.all())
    village = django_filters.ModelChoiceFilter(
        field_name="home_village", queryset=Village.objects.all()
    )
    team = django_filters.ModelChoiceFilter(field_name="teams", queryset=Team.objects.all())
    # A service category id (the volunteer's skill); categories live on the orders side.
    skill = django_filters.NumberFilter(field_name="skills", min_value=1)
    joined_after = BoundedDateFilter(field_name="joined_on", lookup_expr="gte")
    joined_before = BoundedDateFilter(field_name="joined_on", lookup_expr="lte")

    class Meta:
        model = Volunteer
        fields = ["town", "village", "team", "skill", "is_active", "joined_after", "joined_before"]
