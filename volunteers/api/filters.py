"""Query-string filters for teams, volunteers, service records, certificates and points."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import BoundedDateFilter, IdFilter, StrictFilterSet
from volunteers import selectors
from volunteers.models import (
    Certificate,
    PointsEntry,
    Redemption,
    Reward,
    ServiceRecord,
    Team,
    Volunteer,
)


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


class ServiceRecordFilter(StrictFilterSet):
    volunteer = IdFilter(field_name="volunteer_id")
    town = IdFilter(field_name="town_id")
    village = IdFilter(field_name="village_id")
    source_id = IdFilter(field_name="source_id")
    date_from = BoundedDateFilter(field_name="service_date", lookup_expr="gte")
    date_to = BoundedDateFilter(field_name="service_date", lookup_expr="lte")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label=_("待确认超过 WENMING_HOURS_PENDING_DAYS（30）天的记录（true）或其余记录（false）"),
    )

    class Meta:
        model = ServiceRecord
        fields = [
            "volunteer",
            "status",
            "source_kind",
            "source_id",
            "town",
            "village",
            "date_from",
            "date_to",
            "overdue",
        ]

    def filter_overdue(self, queryset, name, value):
        overdue = selectors.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)


class CertificateFilter(StrictFilterSet):
    volunteer = IdFilter(field_name="volunteer_id")

    class Meta:
        model = Certificate
        fields = ["volunteer", "status"]


class PointsEntryFilter(StrictFilterSet):
    volunteer = IdFilter(field_name="volunteer_id")

    class Meta:
        model = PointsEntry
        fields = ["volunteer", "kind"]


class RewardFilter(StrictFilterSet):
    position = IdFilter(field_name="position_id")

    class Meta:
        model = Reward
        fields = ["position", "is_active"]


class RedemptionFilter(StrictFilterSet):
    reward = IdFilter(field_name="reward_id")
    volunteer = IdFilter(field_name="volunteer_id")
    position = IdFilter(field_name="reward__position_id")

    class Meta:
        model = Redemption
        fields = ["reward", "volunteer", "position"]
