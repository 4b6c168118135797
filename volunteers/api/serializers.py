"""Teams, volunteers and the caller's own roles. Volunteers' phones are personal data (PIPL)."""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import phone as phone_numbers
from core.dates import validate_bounded
from core.fields import IdField
from core.filters import BOUNDED_DATE_SCHEMA
from stations.api.serializers import RefSerializer
from stations.models import Position
from volunteers.access import may_see_phone
from volunteers.models import (
    Certificate,
    PointsEntry,
    Redemption,
    Reward,
    ServiceRecord,
    ServiceRecordChange,
    Team,
    Volunteer,
)


class SkillSerializer(serializers.Serializer):
    """A volunteer's skill: a service category."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True)


class TeamSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    town = RefSerializer(read_only=True, allow_null=True)
    village = RefSerializer(read_only=True, allow_null=True)
    captain = RefSerializer(read_only=True, allow_null=True)
    member_count = serializers.IntegerField(read_only=True, help_text=_("在册成员人数"))

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "parent",
            "city",
            "town",
            "village",
            "captain",
            "description",
            "member_count",
            "is_active",
        ]


class VolunteerSerializer(serializers.ModelSerializer):
    phone = serializers.SerializerMethodField()
    phone_masked = serializers.SerializerMethodField()
    home_village = RefSerializer(read_only=True)
    town = RefSerializer(read_only=True)
    teams = RefSerializer(many=True, read_only=True)
    skills = serializers.SerializerMethodField()

    class Meta:
        model = Volunteer
        fields = [
            "id",
            "name",
            "phone",
            "phone_masked",
            "home_village",
            "town",
            "teams",
            "skills",
            "is_active",
            "joined_on",
            "hours_total",
        ]

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text=_("完整手机号：仅本人及管辖该村的管理员可见，其他人为 null。"),
        )
    )
    def get_phone(self, volunteer: Volunteer) -> str | None:
        request = self.context.get("request")
        if may_see_phone(request.user if request else None, volunteer):
            return volunteer.phone
        return None

    @extend_schema_field(serializers.CharField(help_text=_("脱敏手机号，如 139****1111。")))
    def get_phone_masked(self, volunteer: Volunteer) -> str:
        return phone_numbers.mask(volunteer.phone)

    @extend_schema_field(SkillSerializer(many=True))
    def get_skills(self, volunteer: Volunteer) -> list[dict]:
        # Skills are service categories, declared on the orders side (volunteers must not import
        # orders), so they are read through the reverse relation only.
        return [{"id": c.id, "name": c.name, "code": c.code} for c in volunteer.skills.all()]


class RoleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    city = RefSerializer()
    town = RefSerializer(allow_null=True)
    position = RefSerializer(allow_null=True)


class ScopeSerializer(serializers.Serializer):
    everything = serializers.BooleanField(help_text=_("是否可管理全市"))
    towns = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("可管理的镇（街道）")
    )
    villages = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("可管理的村（社区）")
    )
    positions = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("担任站长的实践站")
    )


class MyVolunteerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    home_village = RefSerializer()
    town = RefSerializer()
    hours_total = serializers.DecimalField(max_digits=8, decimal_places=1)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text=_("姓名；未填写时为用户名"))
    is_staff = serializers.BooleanField()
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True)
    scope = ScopeSerializer()
    volunteer = MyVolunteerSerializer(
        allow_null=True, help_text=_("本人的志愿者档案；没有时为 null")
    )


# --- service records, certificates, points and rewards (issue 11) ----------------------------


def _person(user) -> str:
    """A login as shown on a record: the full name, else the username; empty for none."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# Subclasses, because DRF copies declared field instances and an annotation on an instance
# would be lost (as core.fields and events.api.serializers do).
@extend_schema_field(
    {
        "type": "string",
        "format": "decimal",
        "pattern": r"^(?:0\.[1-9]|(?:[1-9]|1\d|2[0-3])(?:\.\d)?|24(?:\.0)?)$",
    }
)
class RecordHoursField(serializers.DecimalField):
    """0.1 to 24 hours with at most one decimal."""


@extend_schema_field(BOUNDED_DATE_SCHEMA)
class BoundedDateField(serializers.DateField):
    """A date in 2000-2100 (core.dates)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validators", [validate_bounded])
        super().__init__(**kwargs)


class RecordChangeSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(source="get_action_display", read_only=True)
    actor = serializers.SerializerMethodField(help_text=_("操作人；群众评价等无登录时为空"))

    class Meta:
        model = ServiceRecordChange
        fields = [
            "action",
            "action_label",
            "from_status",
            "to_status",
            "old_hours",
            "new_hours",
            "actor",
            "actor_label",
            "note",
            "created_at",
        ]

    def get_actor(self, change: ServiceRecordChange) -> str:
        return _person(change.actor)


class ServiceRecordSerializer(serializers.ModelSerializer):
    """A service record (《志愿服务记录与证明出具办法（试行）》): what, when, where, how long,
    organised by whom, recorded and confirmed by whom."""

    volunteer = RefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_kind_label = serializers.CharField(source="get_source_kind_display", read_only=True)
    town = RefSerializer(read_only=True, allow_null=True)
    village = RefSerializer(read_only=True, allow_null=True)
    organiser_position = RefSerializer(read_only=True, allow_null=True)
    organiser_team = RefSerializer(read_only=True, allow_null=True)
    recorded_by = serializers.SerializerMethodField(help_text=_("记录人"))
    confirmed_by = serializers.SerializerMethodField(
        help_text=_("确认人；由群众评价确认时见 confirmed_label")
    )

    class Meta:
        model = ServiceRecord
        fields = [
            "id",
            "volunteer",
            "status",
            "status_label",
            "source_kind",
            "source_kind_label",
            "source_id",
            "source_label",
            "content",
            "category",
            "place",
            "service_date",
            "hours",
            "points_rate",
            "town",
            "village",
            "organiser_position",
            "organiser_team",
            "recorded_by",
            "recorded_at",
            "confirmed_by",
            "confirmed_label",
            "confirmed_at",
        ]

    def get_recorded_by(self, record: ServiceRecord) -> str:
        return _person(record.recorded_by)

    def get_confirmed_by(self, record: ServiceRecord) -> str:
        return _person(record.confirmed_by)


class ServiceRecordDetailSerializer(ServiceRecordSerializer):
    changes = RecordChangeSerializer(many=True, read_only=True, help_text=_("变更记录（留痕）"))

    class Meta(ServiceRecordSerializer.Meta):
        fields = [*ServiceRecordSerializer.Meta.fields, "changes"]


class RecordConfirmSerializer(serializers.Serializer):
    hours = RecordHoursField(
        max_digits=3,
        decimal_places=1,
        min_value=Decimal("0.1"),
        max_value=Decimal("24"),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("确认时更正的时长（小时，0.1–24）；不填则按登记的时长确认"),
    )


class RecordRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("撤销原因（必填）"))


class CertificateSerializer(serializers.ModelSerializer):
    volunteer = RefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    issuer_position = RefSerializer(read_only=True, allow_null=True)
    verify_url = serializers.SerializerMethodField(help_text=_("公开核验页（二维码指向这里）"))
    pdf_url = serializers.SerializerMethodField(help_text=_("PDF（本人及管辖该志愿者的管理员）"))

    class Meta:
        model = Certificate
        fields = [
            "id",
            "number",
            "code",
            "volunteer",
            "period_start",
            "period_end",
            "hours",
            "record_count",
            "content",
            "issuer_position",
            "issuer_name",
            "issuer_head",
            "handler_name",
            "contact",
            "issued_at",
            "status",
            "status_label",
            "revoked_at",
            "revoke_reason",
            "verify_url",
            "pdf_url",
        ]

    def _absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_verify_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("volunteers:certificate_verify", args=[certificate.code]))

    def get_pdf_url(self, certificate: Certificate) -> str:
        return self._absolute(reverse("volunteers:certificate_pdf", args=[certificate.code]))


# What an unknown id in a body says (core.fields.IdField: a 404 naming the field); for a
# certificate also what a volunteer outside the caller's area says, so the two read the same.
NO_VOLUNTEER_IN_AREA = _("志愿者不存在或不在您的管辖范围内。")
NO_VOLUNTEER = _("志愿者不存在。")
NO_POSITION = _("实践站不存在或不在您的管辖范围内。")


class CertificateIssueSerializer(serializers.Serializer):
    volunteer = IdField(
        queryset=Volunteer.objects.all(),
        help_text=_("志愿者 id"),
        error_messages={"does_not_exist": NO_VOLUNTEER_IN_AREA},
    )
    period_start = BoundedDateField(help_text=_("服务起始日期"))
    period_end = BoundedDateField(help_text=_("服务截止日期"))


class CertificateRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("作废原因（必填）"))


class PointsEntrySerializer(serializers.ModelSerializer):
    volunteer = RefSerializer(read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    record = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("获得或冲正所依据的服务记录 id")
    )
    redemption = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text=_("兑换记录 id")
    )
    reward = serializers.SerializerMethodField(help_text=_("兑换的物品"))

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "volunteer",
            "kind",
            "kind_label",
            "points",
            "record",
            "redemption",
            "reward",
            "service_date",
            "note",
            "created_at",
        ]

    @extend_schema_field(RefSerializer(allow_null=True))
    def get_reward(self, entry: PointsEntry) -> dict | None:
        if entry.redemption_id is None:
            return None
        reward = entry.redemption.reward
        return {"id": reward.pk, "name": reward.name}


class PointsBalanceSerializer(serializers.Serializer):
    volunteer = RefSerializer()
    balance = serializers.IntegerField(help_text=_("余额 = 全部明细之和；可能为负（欠分）"))
    earned = serializers.IntegerField(help_text=_("服务获得的积分"))
    redeemed = serializers.IntegerField(help_text=_("兑换用去的积分（正数）"))
    reversed = serializers.IntegerField(help_text=_("因时长撤销或更正冲正的积分（正数）"))
    in_debt = serializers.BooleanField(
        help_text=_("余额为负：已兑换的积分因时长撤销被冲正，补足前不能兑换")
    )


class RewardSerializer(serializers.ModelSerializer):
    position = RefSerializer(read_only=True)

    class Meta:
        model = Reward
        fields = ["id", "position", "name", "points", "stock", "is_active", "updated_at"]


class RewardCreateSerializer(serializers.Serializer):
    position = IdField(
        queryset=Position.objects.all(),
        help_text=_("实践站 id（站长管理本站的积分超市）"),
        error_messages={"does_not_exist": NO_POSITION},
    )
    name = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=1, max_value=1_000_000)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000)


class RewardUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    points = serializers.IntegerField(min_value=1, max_value=1_000_000, required=False)
    stock = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    is_active = serializers.BooleanField(required=False, help_text=_("是否上架"))


class RedeemSerializer(serializers.Serializer):
    volunteer = IdField(
        queryset=Volunteer.objects.all(),
        help_text=_("兑换的志愿者 id"),
        error_messages={"does_not_exist": NO_VOLUNTEER},
    )


class RedemptionSerializer(serializers.ModelSerializer):
    reward = RefSerializer(read_only=True)
    position = serializers.SerializerMethodField()
    volunteer = RefSerializer(read_only=True)
    created_by = serializers.SerializerMethodField(help_text=_("经办人"))
    balance_after = serializers.SerializerMethodField(
        help_text=_("兑换后的余额（仅兑换时返回；列表和详情中为 null）")
    )

    class Meta:
        model = Redemption
        fields = [
            "id",
            "reward",
            "position",
            "volunteer",
            "points",
            "created_by",
            "created_at",
            "balance_after",
        ]

    @extend_schema_field(RefSerializer())
    def get_position(self, redemption: Redemption) -> dict:
        position = redemption.reward.position
        return {"id": position.pk, "name": position.name}

    def get_created_by(self, redemption: Redemption) -> str:
        return _person(redemption.created_by)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_balance_after(self, redemption: Redemption) -> int | None:
        # Always present (the schema says so): the balance only the redeem answer knows.
        return getattr(redemption, "balance_after", None)
