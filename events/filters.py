"""django-filter sets for event lists (API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import BoundedDateFilter, IdFilter, StrictFilterSet
from events.models import Event


class EventFilter(StrictFilterSet):
    town = IdFilter(field_name="town_id", label=_("镇（街道）编号"))
    village = IdFilter(field_name="village_id", label=_("村（社区）编号"))
    category = IdFilter(field_name="category_id", label=_("服务类别编号"))
    platform = IdFilter(field_name="platform_id", label=_("服务平台编号"))
    state = django_filters.MultipleChoiceFilter(choices=Event.State.choices, label=_("状态"))
    date_from = BoundedDateFilter(
        field_name="start", lookup_expr="date__gte", label=_("开始日期不早于（YYYY-MM-DD）")
    )
    date_to = BoundedDateFilter(
        field_name="start", lookup_expr="date__lte", label=_("开始日期不晚于（YYYY-MM-DD）")
    )

    class Meta:
        model = Event
        fields = ["town", "village", "category", "platform", "state", "date_from", "date_to"]
