"""Explicit serializers per operation for the order workflow API. No workflow logic here: the
views hand validated data to ``orders.services``."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import DisplayField, IdField, PhoneField
from orders import access
from orders.models import MenuItem, Order, OrderStatusChange, TargetGroup
from stations.api.serializers import RefSerializer
from stations.models import Village
from volunteers.models import Team, Volunteer


class OrderMenuItemRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


# --- input ----------------------------------------------------------------------------------


# Spectacular states only the digit counts of a string decimal or the length of a string; these
# state the accepted values. Subclasses, because DRF copies declared field instances and an
# annotation on an instance would be lost.
@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^(?:0\.[1-9]|(?:[1-9]|1\d|2[0-3])(?:\.\d)?|24(?:\.0)?)$",
    }
)
class OrderHoursField(serializers.DecimalField):
    """0.1 to 24 hours with at most one decimal."""


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

    hours = OrderHoursField(
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("24"),
        help_text=_("0.1–24"),
    )
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
