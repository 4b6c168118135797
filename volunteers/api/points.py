"""The points ledger and the stations' points supermarkets in the API (issue 11).

- ``/api/points/``: ledger lines, the caller's own and, for admins, their area's volunteers';
  ``/api/points/balance/``: a volunteer's balance (the sum of the ledger; negative = owed).
- ``/api/rewards/``: a station's catalogue, kept by its head (and the area's admins); a
  volunteer sees what is on the shelf at their village's station. ``POST …/redeem/``: the
  station head hands an item to a volunteer (409 when the balance or the stock is short).
- ``/api/redemptions/``: the exchanges at the caller's stations, and the caller's own.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from core.api import QuerySerializer
from core.errors import NotInScope, error_body
from core.filters import MAX_ID
from core.openapi import error_response
from volunteers import points, selectors
from volunteers.api import filters
from volunteers.api.base import HOURS_TAGS, ScopedViewSetMixin, example
from volunteers.api.serializers import points as s
from volunteers.models import Reward

ENTRY_EXAMPLE = {
    "id": 3,
    "volunteer": {"id": 1, "name": "张明"},
    "kind": "redeem",
    "kind_label": "兑换",
    "points": -10,
    "record": None,
    "redemption": 1,
    "reward": {"id": 1, "name": "洗衣粉"},
    "service_date": None,
    "note": "洗衣粉",
    "created_at": "2026-11-30T10:00:00+08:00",
}
BALANCE_EXAMPLE = {
    "volunteer": {"id": 1, "name": "张明"},
    "balance": 20,
    "earned": 30,
    "redeemed": 10,
    "reversed": 0,
    "in_debt": False,
}
REWARD_EXAMPLE = {
    "id": 1,
    "position": {"id": 3, "name": "团结村新时代文明实践站"},
    "name": "洗衣粉",
    "points": 10,
    "stock": 4,
    "is_active": True,
    "updated_at": "2026-11-30T10:00:00+08:00",
}
REDEMPTION_EXAMPLE = {
    "id": 1,
    "reward": {"id": 1, "name": "洗衣粉"},
    "position": {"id": 3, "name": "团结村新时代文明实践站"},
    "volunteer": {"id": 1, "name": "张明"},
    "points": 10,
    "created_by": "王站长",
    "created_at": "2026-11-30T10:00:00+08:00",
    "balance_after": 20,
}
SHORT = error_response(
    409,
    error_body(
        _("积分不足：需要 %(need)s 分，当前余额 %(have)s 分。") % {"need": 10, "have": 5},
        "conflict",
    ),
)


class BalanceQuerySerializer(QuerySerializer):
    volunteer = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text=_("志愿者 id；不填为本人"),
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("积分明细"),
        description=_(
            "只增不改的积分账本：服务获得（已确认时长 × 类别积分）、兑换、冲正（时长撤销）。"
            "志愿者看到本人的；管理员看到居住在其辖区内的志愿者的。"
        ),
        tags=HOURS_TAGS,
        examples=[example("entry", ENTRY_EXAMPLE)],
    ),
)
class PointsEntryViewSet(ScopedViewSetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    visible = staticmethod(selectors.points_entries_visible)
    serializer_class = s.PointsEntrySerializer
    filterset_class = filters.PointsEntryFilter
    search_fields = ["note", "volunteer__name"]
    ordering_fields = ["created_at", "points", "id"]
    ordering = ["-created_at", "-id"]

    @extend_schema(
        operation_id="points_balance",
        summary=_("积分余额"),
        description=_(
            "余额等于全部明细之和。已兑换的积分因时长撤销被冲正时余额可能为负（in_debt），"
            "补足前不能兑换。不填 volunteer 为本人；志愿者不存在或不在管辖范围 → 404。"
        ),
        parameters=[BalanceQuerySerializer],
        responses={
            200: s.PointsBalanceSerializer,
            400: error_response(400),
            404: error_response(404),
        },
        examples=[example("balance", BALANCE_EXAMPLE)],
        tags=HOURS_TAGS,
    )
    @action(
        detail=False, methods=["get"], url_path="balance", filter_backends=[], pagination_class=None
    )
    def balance(self, request):
        query = BalanceQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        volunteer = selectors.volunteer_for_points(
            request.user, query.validated_data.get("volunteer")
        )
        if volunteer is None:
            raise NotFound()
        body = {"volunteer": volunteer, **selectors.points_summary(volunteer.pk)}
        return Response(s.PointsBalanceSerializer(body).data)


@extend_schema_view(
    list=extend_schema(
        summary=_("积分超市物品"),
        description=_(
            "站长（及辖区管理员）看到所管实践站的物品（含已下架）；志愿者看到本村实践站上架的物品。"
        ),
        tags=HOURS_TAGS,
        examples=[example("reward", REWARD_EXAMPLE)],
    ),
    retrieve=extend_schema(summary=_("积分超市物品详情"), tags=HOURS_TAGS),
)
class RewardViewSet(
    ScopedViewSetMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    visible = staticmethod(selectors.rewards_visible)
    serializer_class = s.RewardSerializer
    filterset_class = filters.RewardFilter
    search_fields = ["name"]
    ordering_fields = ["points", "name", "stock", "id"]
    ordering = ["position", "points", "name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @extend_schema(
        operation_id="rewards_create",
        summary=_("新增积分超市物品"),
        description=_(
            "站长为本站积分超市新增物品（名称、所需积分、库存）；同站同名 → 400；"
            "实践站不存在或不在管辖范围 → 404。"
        ),
        request=s.RewardCreateSerializer,
        responses={
            201: s.RewardSerializer,
            404: error_response(
                404, error_body(s.NO_POSITION, "not_found", {"position": [s.NO_POSITION]})
            ),
        },
        examples=[
            example(
                "create", {"position": 3, "name": "毛巾", "points": 20, "stock": 10}, request=True
            ),
            example("created", REWARD_EXAMPLE, code="201"),
        ],
        tags=HOURS_TAGS,
    )
    def create(self, request, *args, **kwargs):
        body = s.RewardCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            reward = points.reward_create(
                actor=request.user, position_id=data.pop("position").pk, **data
            )
        except NotInScope:
            raise NotInScope(s.NO_POSITION, fields={"position": [s.NO_POSITION]}) from None
        return Response(self.get_serializer(reward).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="rewards_partial_update",
        summary=_("修改积分超市物品"),
        description=_("修改名称、所需积分、库存或上下架；只改给出的字段。"),
        request=s.RewardUpdateSerializer,
        responses={200: s.RewardSerializer, 404: error_response(404)},
        examples=[example("restock", {"stock": 8}, request=True)],
        tags=HOURS_TAGS,
    )
    def partial_update(self, request, *args, **kwargs):
        reward = self._kept(kwargs["pk"])
        body = s.RewardUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        values = {
            "name": reward.name,
            "points": reward.points,
            "stock": reward.stock,
            "is_active": reward.is_active,
            **body.validated_data,
        }
        reward = points.reward_update(actor=request.user, reward_id=reward.pk, **values)
        return Response(self.get_serializer(reward).data)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):  # PUT is not offered (http_method_names)
        return self.partial_update(request, *args, **kwargs)

    def _kept(self, pk) -> Reward:
        """An item of a station the caller keeps (a volunteer who can see it may not change it)."""
        reward = self.get_object()
        if not points.may_keep(self.request.user, reward.position):
            raise NotFound()
        return reward

    @extend_schema(
        operation_id="rewards_redeem",
        summary=_("兑换积分超市物品"),
        description=_(
            "站长在站点为志愿者兑换本站物品：扣除积分、库存减一，同一事务内记账。"
            "余额或库存不足、物品已下架、志愿者欠分 → 409；其他实践站的物品 → 404；"
            "志愿者不存在 → 404。并发兑换不会使余额或库存小于零。"
        ),
        request=s.RedeemSerializer,
        responses={
            201: s.RedemptionSerializer,
            404: error_response(
                404, error_body(s.NO_VOLUNTEER, "not_found", {"volunteer": [s.NO_VOLUNTEER]})
            ),
            409: SHORT,
        },
        examples=[
            example("redeem", {"volunteer": 1}, request=True),
            example("redeemed", REDEMPTION_EXAMPLE, code="201"),
        ],
        tags=HOURS_TAGS,
    )
    @action(detail=True, methods=["post"], url_path="redeem")
    def redeem(self, request, pk: int):
        reward = self._kept(pk)
        body = s.RedeemSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        volunteer_id = body.validated_data["volunteer"].pk
        redemption = points.redeem(
            actor=request.user, reward_id=reward.pk, volunteer_id=volunteer_id
        )
        redemption = selectors.redemptions_visible(request.user).get(pk=redemption.pk)
        redemption.balance_after = points.balance(volunteer_id)
        return Response(s.RedemptionSerializer(redemption).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=_("积分兑换记录"),
        description=_("站长（及辖区管理员）看到所管实践站的兑换；志愿者看到本人的兑换。"),
        tags=HOURS_TAGS,
        examples=[example("redemption", {**REDEMPTION_EXAMPLE, "balance_after": None})],
    ),
    retrieve=extend_schema(summary=_("积分兑换记录详情"), tags=HOURS_TAGS),
)
class RedemptionViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    visible = staticmethod(selectors.redemptions_visible)
    serializer_class = s.RedemptionSerializer
    filterset_class = filters.RedemptionFilter
    search_fields = ["reward__name", "volunteer__name"]
    ordering_fields = ["created_at", "points", "id"]
    ordering = ["-created_at", "-id"]
