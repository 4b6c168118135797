import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter, StrictFilterSet
from wishes.models import Wish


class _WishFilter(StrictFilterSet):
    town = IdFilter(field_name="town_id", help_text=_("镇（街道）id"))
    village = IdFilter(field_name="village_id", help_text=_("村（社区）id"))
    category = IdFilter(field_name="category_id", help_text=_("服务类别 id"))


class PublicWishFilter(_WishFilter):
    # Only the statuses the wall shows can be asked for (a rejected wish is never public).
    status = django_filters.MultipleChoiceFilter(
        choices=[(value, label) for value, label in Wish.Status.choices if value in Wish.PUBLIC],
        help_text=_("可重复：?status=open&status=claimed"),
    )

    class Meta:
        model = Wish
        fields = ["status", "town", "village", "category"]


class WishFilter(_WishFilter):
    status = django_filters.MultipleChoiceFilter(
        choices=Wish.Status.choices,
        help_text=_("可重复；?status=submitted 即待审核队列"),
    )

    class Meta:
        model = Wish
        fields = ["status", "town", "village", "category"]
