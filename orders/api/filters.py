import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import BoundedDateRangeFilter, IdFilter, StrictFilterSet
from orders.api.serializers import OVERDUE_HELP
from orders.models import Order


class OrderFilter(StrictFilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=Order.Status.choices, help_text=_("可重复：?status=open&status=accepted")
    )
    channel = django_filters.MultipleChoiceFilter(
        choices=Order.Channel.choices,
        help_text=_("点单渠道，可重复：?channel=kiosk&channel=proxy"),
    )
    town = IdFilter(field_name="town_id", help_text=_("镇（街道）id"))
    village = IdFilter(field_name="village_id", help_text=_("村（社区）id"))
    category = IdFilter(field_name="category_id", help_text=_("服务类别 id"))
    menu_item = IdFilter(field_name="menu_item_id")
    created = BoundedDateRangeFilter(
        field_name="created_at__date",
        help_text=_("提交日期范围：created_after=2026-01-01&created_before=2026-01-31"),
    )
    is_overdue = django_filters.BooleanFilter(
        method="filter_is_overdue",
        help_text=OVERDUE_HELP,
    )
    needs_follow_up = django_filters.BooleanFilter()

    class Meta:
        model = Order
        fields = ["status", "channel", "town", "village", "category", "menu_item", "is_overdue"]

    def filter_is_overdue(self, queryset, name, value):
        # Computed from the clock (``Order.overdue_q``), the same rule as the field and the lists.
        overdue = Order.overdue_q()
        return queryset.filter(overdue) if value else queryset.exclude(overdue)
