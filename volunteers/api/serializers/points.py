"""The points ledger, the rewards of a station's points supermarket (积分超市) and their
redemptions (issue 11)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.fields import IdField
from stations.api.serializers import RefSerializer
from stations.models import Position
from volunteers.api.serializers.records import person
from volunteers.models import PointsEntry, Redemption, Reward, Volunteer

# What an unknown id in a body says (core.fields.IdField: a 404 naming the field).
NO_VOLUNTEER = _("志愿者不存在。")
NO_POSITION = _("实践站不存在或不在您的管辖范围内。")


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
        return person(redemption.created_by)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_balance_after(self, redemption: Redemption) -> int | None:
        # Always present (the schema says so): the balance only the redeem answer knows.
        return getattr(redemption, "balance_after", None)
