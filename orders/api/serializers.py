"""Explicit serializers per operation for the order workflow API. No workflow logic here: the
views hand validated data to ``orders.services``."""

import functools

from django.db.models import CharField, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import phone as phone_numbers
from core.fields import DisplayField, IdField, PhoneField
from orders import access
from orders.models import MenuItem, Order, OrderStatusChange, ServiceCategory, TargetGroup
from stations.api.serializers import RefSerializer
from stations.models import Town, Village
from volunteers.hours import HoursField
from volunteers.models import Team, Volunteer


class OrderMenuItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


# --- input ----------------------------------------------------------------------------------


class OrderSubmitSerializer(serializers.Serializer):
    """群众点单（无需登录）。"""

    village = IdField(queryset=Village.objects.all(), help_text=_("村（社区）id"))
    menu_item = IdField(
        queryset=MenuItem.objects.filter(is_active=True),
        help_text=_("服务项 id（须在该村的实践菜单中）"),
    )
    name = serializers.CharField(max_length=50, help_text=_("联系人"))
    phone = PhoneField()
    description = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    preferred_date = serializers.DateField(required=False, allow_null=True, default=None)
    preferred_window = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default="", help_text=_("例如：周末上午")
    )
    people = serializers.IntegerField(min_value=1, max_value=10000, required=False, default=1)
    target_group = serializers.ChoiceField(
        choices=TargetGroup.choices, required=False, allow_blank=True, default=""
    )


class OrderAssignSerializer(serializers.Serializer):
    """派单：volunteer 与 team 二选一。"""

    # An id that matches nothing is a 404 naming the field (IdField); an existing volunteer or
    # team that may not serve the order is the service's validation error (400).
    volunteer = IdField(
        queryset=Volunteer.objects.all(),
        required=False,
        help_text=_("志愿者 id"),
        error_messages={"does_not_exist": _("志愿者不存在。")},
    )
    team = IdField(
        queryset=Team.objects.all(),
        required=False,
        help_text=_("队伍 id"),
        error_messages={"does_not_exist": _("队伍不存在。")},
    )
    # One of the two, never both (core.openapi merges this into the schema).
    openapi_extra = {"oneOf": [{"required": ["volunteer"]}, {"required": ["team"]}]}

    def validate(self, attrs):
        if bool(attrs.get("volunteer")) == bool(attrs.get("team")):
            raise serializers.ValidationError(
                {"volunteer": [_("请选择一名志愿者或一支队伍（二选一）。")]}
            )
        return attrs


class OrderCompleteSerializer(serializers.Serializer):
    """登记完成：服务时长（小时）和服务记录；服务日期默认今天。"""

    hours = HoursField(help_text=_("0.1–24"))
    note = serializers.CharField(max_length=2000, help_text=_("简短的服务记录"))
    service_date = serializers.DateField(required=False, allow_null=True, default=None)


class OrderReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OrderOptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class OrderRateSerializer(serializers.Serializer):
    stars = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


# --- output ---------------------------------------------------------------------------------


class OrderSubmittedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text=_("单号，如 WM-202612-000123"))
    status = serializers.ChoiceField(choices=Order.Status.choices)
    tracking_token = serializers.CharField(help_text=_("查询令牌：群众查看进度、取消、评价的凭证"))


class OrderTimelineEntrySerializer(serializers.ModelSerializer):
    to_status_label = serializers.CharField(source="get_to_status_display")
    actor = serializers.CharField(
        source="actor_display",
        help_text=_("操作人：志愿者名（不含姓），或按请求语言显示的身份，如“居民”“站长”“系统”"),
    )
    actor_kind = serializers.ChoiceField(
        choices=OrderStatusChange.ActorKind.choices,
        allow_blank=True,
        help_text=_("操作人类别（早期记录无法识别时为空）"),
    )
    note = serializers.CharField(
        source="public_note_display",
        help_text=_(
            "备注：系统生成的按请求语言显示（派单给志愿者时只显示名，不含姓），"
            "人填写的原因和服务记录保持原文"
        ),
    )
    at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = OrderStatusChange
        fields = [
            "from_status",
            "to_status",
            "to_status_label",
            "actor",
            "actor_kind",
            "note",
            "at",
        ]


class OrderTrackingSerializer(serializers.ModelSerializer):
    """What the resident sees: no one else's name, the phone masked, the volunteer's given name."""

    status_label = DisplayField(source="get_status_display")
    village = RefSerializer()
    town = RefSerializer()
    menu_item = OrderMenuItemRefSerializer()
    category = RefSerializer()
    phone = serializers.CharField(source="masked_phone")
    accepted_by = serializers.CharField(
        source="owner_label", help_text=_("志愿者名（不含姓）或队伍名")
    )
    can_cancel = serializers.BooleanField(source="resident_may_cancel")
    can_rate = serializers.SerializerMethodField()
    timeline = OrderTimelineEntrySerializer(source="status_changes", many=True)

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "status_label",
            "village",
            "town",
            "menu_item",
            "category",
            "name",
            "phone",
            "people",
            "preferred_date",
            "preferred_window",
            "accepted_by",
            "reason",
            "stars",
            "rating_comment",
            "created_at",
            "can_cancel",
            "can_rate",
            "timeline",
        ]

    def get_can_rate(self, order: Order) -> bool:
        return order.may_rate


# The field and the ?is_overdue filter (orders.api.filters) say the same: ``Order.is_overdue``.
OVERDUE_HELP = _("超时未接单：仍待审核或待接单，且提交已超过 WENMING_ORDER_OVERDUE_HOURS 小时")


class OrderSerializer(serializers.ModelSerializer):
    """An order as staff and volunteers see it; the phone is full only for those PIPL allows."""

    status_label = DisplayField(source="get_status_display")
    channel = serializers.ChoiceField(
        choices=Order.Channel.choices, read_only=True, help_text=_("点单渠道")
    )
    channel_label = DisplayField(source="get_channel_display")
    village = RefSerializer()
    town = RefSerializer()
    menu_item = OrderMenuItemRefSerializer()
    category = RefSerializer()
    phone = serializers.SerializerMethodField(
        help_text=_("接单志愿者和本区域管理员可见完整号码，其他人为 138****1234")
    )
    accepted_by = RefSerializer(allow_null=True)
    accepted_team = RefSerializer(allow_null=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=OVERDUE_HELP)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "village",
            "town",
            "menu_item",
            "category",
            "name",
            "phone",
            "description",
            "preferred_date",
            "preferred_window",
            "people",
            "target_group",
            "accepted_by",
            "accepted_team",
            "service_date",
            "hours",
            "report",
            "stars",
            "rating_comment",
            "needs_follow_up",
            "is_overdue",
            "reason",
            "created_at",
            "opened_at",
            "accepted_at",
            "completed_at",
            "rated_at",
            "closed_at",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_phone(self, order: Order) -> str:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return order.phone if access.may_see_phone(user, order) else order.masked_phone


# --- the list's rows, without the serializer's per-field walk (issue 19) --------------------

#: What ``order_rows`` reads of each order: the order's own columns of OrderSerializer's
#: fields (a reference as its id column), no joins. A join of the six related tables cost
#: PostgreSQL ≈ 20 ms of planning per page (EXPLAIN: 0.9 ms to execute); their names come from
#: one small query instead (``_related_names``).
ORDER_ROW_COLUMNS = (
    *(
        Order._meta.get_field(name).attname
        for name in OrderSerializer.Meta.fields
        if name not in ("status_label", "channel_label", "is_overdue")
    ),
    "held_at_deadline",  # with status and created_at: is_overdue (Order.overdue_now)
)
# The references each row nests as {"id", "name"}: (key, id column, model, name field).
_REFS = (
    ("village", "village_id", Village, "name"),
    ("town", "town_id", Town, "name"),
    ("menu_item", "menu_item_id", MenuItem, "title"),
    ("category", "category_id", ServiceCategory, "name"),
    ("accepted_by", "accepted_by_id", Volunteer, "name"),
    ("accepted_team", "accepted_team_id", Team, "name"),
)
# Formatted by OrderSerializer's own fields (time zone, ISO format, decimal places); every
# other column is already what the serializer sends (str, int, bool or None).
_FORMATTED = (
    "preferred_date",
    "service_date",
    "hours",
    "created_at",
    "opened_at",
    "accepted_at",
    "completed_at",
    "rated_at",
    "closed_at",
)


@functools.cache
def _formatters() -> dict:
    # Built once: binding the serializer's fields costs more than formatting a page of rows.
    fields = OrderSerializer().fields
    return {name: fields[name].to_representation for name in _FORMATTED}


class _PhoneRow:
    """What ``access.may_see_phone`` reads of an order, from a row."""

    __slots__ = ("accepted_by_id", "completed_at", "status", "town_id", "village_id")

    def __init__(self, row: dict):
        for name in self.__slots__:
            setattr(self, name, row[name])


def _related_names(rows: list[dict]) -> dict[str, dict[int, str]]:
    """The names of the rows' references, in one query (a UNION of one SELECT per table)."""
    parts = []
    for key, column, model, field in _REFS:
        ids = {row[column] for row in rows if row[column] is not None}
        if ids:
            parts.append(
                model.objects.filter(pk__in=ids)
                .annotate(ref=Value(key, output_field=CharField()))
                .values_list("ref", "pk", field)
                .order_by()
            )
    names: dict[str, dict[int, str]] = {key: {} for key, *_rest in _REFS}
    if parts:
        for key, pk, name in parts[0].union(*parts[1:], all=True):
            names[key][pk] = name
    return names


def order_rows(rows: list[dict], *, user) -> list[dict]:
    """``OrderSerializer(orders, many=True).data`` for ``values(*ORDER_ROW_COLUMNS)`` rows: the
    same keys, order and values (tests/orders/test_api.py compares the two), for the list, where
    DRF's walk over 33 fields and 6 nested serializers per row was most of the request's CPU."""
    formatters = _formatters()
    status_labels = {value: str(label) for value, label in Order.Status.choices}
    channel_labels = {value: str(label) for value, label in Order.Channel.choices}
    names = _related_names(rows)
    now = timezone.now()
    result = []
    for row in rows:
        overdue = Order.overdue_now(
            status=row["status"],
            created_at=row["created_at"],
            held_at_deadline=row["held_at_deadline"],
            now=now,
        )
        phone = row["phone"]
        if not access.may_see_phone(user, _PhoneRow(row)):
            phone = phone_numbers.mask(phone)
        for name, format_value in formatters.items():
            if row[name] is not None:
                row[name] = format_value(row[name])
        refs = {}
        for key, column, _model, field in _REFS:
            pk = row[column]
            # A menu item is {"id", "title"} (OrderMenuItemRefSerializer), others {"id", "name"}.
            refs[key] = None if pk is None else {"id": pk, field: str(names[key].get(pk, ""))}
        result.append(
            {
                "id": row["id"],
                "number": row["number"],
                "status": row["status"],
                "status_label": status_labels.get(row["status"], row["status"]),
                "channel": row["channel"],
                "channel_label": channel_labels.get(row["channel"], row["channel"]),
                "village": refs["village"],
                "town": refs["town"],
                "menu_item": refs["menu_item"],
                "category": refs["category"],
                "name": row["name"],
                "phone": phone,
                "description": row["description"],
                "preferred_date": row["preferred_date"],
                "preferred_window": row["preferred_window"],
                "people": row["people"],
                "target_group": row["target_group"],
                "accepted_by": refs["accepted_by"],
                "accepted_team": refs["accepted_team"],
                "service_date": row["service_date"],
                "hours": row["hours"],
                "report": row["report"],
                "stars": row["stars"],
                "rating_comment": row["rating_comment"],
                "needs_follow_up": row["needs_follow_up"],
                "is_overdue": overdue,
                "reason": row["reason"],
                "created_at": row["created_at"],
                "opened_at": row["opened_at"],
                "accepted_at": row["accepted_at"],
                "completed_at": row["completed_at"],
                "rated_at": row["rated_at"],
                "closed_at": row["closed_at"],
            }
        )
    return result
