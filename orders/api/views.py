"""The order workflow API: public submission and tracking, and the scoped staff/volunteer
operations. Thin views: validate with an explicit serializer, call one service, return the order.

Status codes: bad input 400 (per field), anonymous 401, not allowed 403, out of area or unknown
404, wrong state 409, too many submissions 429.
"""

import datetime as dt

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import phone as phone_numbers
from core.api import PostBudgetThrottle, PostBudgetThrottledMixin
from core.client_ip import client_ip
from core.errors import INVALID, error_body
from core.openapi import action_schema, error_response
from orders import access, ratelimit, services, submission
from orders.api import serializers as s
from orders.api.filters import OrderFilter
from orders.models import Order

TAGS = ["orders"]

SUBMIT_EXAMPLE = {
    "village": 1,
    "menu_item": 1,
    "name": "李大娘",
    "phone": "13812341234",
    "description": "想请志愿者来村里讲讲新农合政策",
    "people": 20,
}
SUBMITTED_EXAMPLE = {
    "id": 123,
    "number": "WM-202612-000123",
    "status": "submitted",
    "tracking_token": "q0vZ3nq3uJmBvE7aKxW0f5vJ3yQm1c8L",
}
CONFLICT = error_response(
    409,
    error_body(
        lazy(
            lambda: (
                _("该点单当前状态为“%(status)s”，不能执行此操作。")
                % {"status": Order.Status.ACCEPTED.label}
            ),
            str,
        )(),
        "conflict",
    ),
)
NOT_FOUND = error_response(404)


def _order_queryset() -> QuerySet[Order]:
    return Order.objects.select_related(
        "village", "town", "menu_item", "category", "accepted_by", "accepted_team"
    )


def visible_orders(user) -> QuerySet[Order]:
    """The orders the caller may see (``orders.access``), with the joins the serializer needs."""
    return access.visible_orders(user).select_related(
        "village", "town", "menu_item", "category", "accepted_by", "accepted_team"
    )


class OrderSubmitThrottle(PostBudgetThrottle):
    """The same per-IP and per-phone budgets as the public page (``orders.ratelimit``)."""

    def budget_wait(self, request) -> int | None:
        raw = request.data.get("phone") if hasattr(request.data, "get") else None
        phone = phone_numbers.normalize(raw)
        return ratelimit.check_order_submit(ip=client_ip(request), phone=phone)


@method_decorator(sensitive_post_parameters("name", "phone"), name="dispatch")
class OrderListCreateView(PostBudgetThrottledMixin, generics.ListAPIView):
    """``GET``: the caller's orders (login). ``POST``: a resident places an order (public)."""

    serializer_class = s.OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ["created_at", "number", "status", "preferred_date", "accepted_at", "id"]
    ordering = ["-created_at", "-id"]
    search_fields: list[str] = []  # not part of the contract; filter by the fields above
    throttle_classes = [OrderSubmitThrottle]

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_queryset(self):
        return visible_orders(self.request.user)

    @extend_schema(
        operation_id="orders_list",
        tags=TAGS,
        summary=gettext_lazy("点单列表（按调用者的管辖范围）"),
        description=gettext_lazy(
            "管理员看到本区域的点单；志愿者看到本镇（街道）待接的单和自己接的单。"
            "排序：?ordering=-created_at 等。"
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        # The page's rows as plain values without joins, turned into OrderSerializer's output
        # by order_rows (issue 19: the serializer and the six-table join were most of the cost).
        queryset = self.filter_queryset(access.visible_orders(request.user))
        page = self.paginate_queryset(queryset.values(*s.ORDER_ROW_COLUMNS))
        return self.get_paginated_response(s.order_rows(list(page), user=request.user))

    @extend_schema(
        operation_id="orders_create",
        tags=TAGS,
        summary=gettext_lazy("群众点单（无需登录）"),
        description=gettext_lazy(
            "同一手机号、村和服务项在 WENMING_ORDER_DUPLICATE_MINUTES（默认 30）分钟内重复提交时"
            "答 409（code=duplicate），只说明首单的收到时间，不返回已有点单的查询令牌、单号或"
            "联系人。按 IP 和手机号限流。"
        ),
        request=s.OrderSubmitSerializer,
        responses={
            201: s.OrderSubmittedSerializer,
            400: error_response(
                400, error_body(INVALID, "invalid", {"phone": [phone_numbers.INVALID_MESSAGE]})
            ),
            409: error_response(
                409,
                {
                    "detail": lazy(
                        lambda: str(
                            submission.DuplicateOrder(
                                dt.datetime(2026, 12, 1, 1, 15, tzinfo=dt.UTC)
                            ).message
                        ),
                        str,
                    )(),
                    "code": "duplicate",
                    "fields": {},
                },
            ),
            429: error_response(429),
        },
        examples=[
            OpenApiExample(
                "submit", summary=gettext_lazy("点单"), value=SUBMIT_EXAMPLE, request_only=True
            ),
            OpenApiExample(
                "submitted",
                summary=gettext_lazy("已提交"),
                value=SUBMITTED_EXAMPLE,
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request, *args, **kwargs):
        serializer = s.OrderSubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A duplicate raises submission.DuplicateOrder: 409 in the error shape, without the token.
        data = serializer.validated_data
        order = submission.order_submit(**data, channel=Order.Channel.API).order
        body = s.OrderSubmittedSerializer(
            {
                "id": order.pk,
                "number": order.number,
                "status": order.status,
                "tracking_token": order.tracking_token,
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED)


class OrderDetailView(generics.RetrieveAPIView):
    serializer_class = s.OrderSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return visible_orders(self.request.user)

    @extend_schema(operation_id="orders_retrieve", tags=TAGS, summary=gettext_lazy("点单详情"))
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class _ActionView(APIView):
    """POST /api/orders/<id>/<action>/: validate ``input_serializer``, call ``act``."""

    permission_classes = [IsAuthenticated]
    input_serializer: type | None = None
    extra_error_codes = ("403", "409")

    def act(self, request, pk: int, data: dict) -> Order:  # pragma: no cover - abstract
        raise NotImplementedError

    def post(self, request, pk: int):
        data: dict = {}
        if self.input_serializer is not None:
            serializer = self.input_serializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        order = self.act(request, pk, data)
        # OrderSerializer's output (``order_rows``), without the six-table join that PostgreSQL
        # took longer to plan than the whole step took to run (issue 19). Each service returns
        # the order as read back after its change, so its columns are the row: not read again.
        row = {column: getattr(order, column) for column in s.ORDER_ROW_COLUMNS}
        return Response(s.order_rows([row], user=request.user)[0])


def _action_schema(op: str, summary: str, request=None, example: dict | None = None):
    return action_schema(
        f"orders_{op}",
        summary,
        s.OrderSerializer,
        tags=TAGS,
        request=request,
        example=example,
        conflict=CONFLICT,
    )


class ClaimView(_ActionView):
    @_action_schema("claim", gettext_lazy("志愿者接单（open → accepted），并发安全"))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_claim(order_id=pk, actor=request.user)


class AssignView(_ActionView):
    input_serializer = s.OrderAssignSerializer

    @_action_schema(
        "assign",
        gettext_lazy("站长派单给志愿者或队伍"),
        s.OrderAssignSerializer,
        {"volunteer": 1},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_assign(
            order_id=pk,
            actor=request.user,
            volunteer_id=data["volunteer"].pk if data.get("volunteer") else None,
            team_id=data["team"].pk if data.get("team") else None,
        )


class CompleteView(_ActionView):
    input_serializer = s.OrderCompleteSerializer

    @_action_schema(
        "complete",
        gettext_lazy("登记完成（accepted → completed），时长待群众评价或站长确认后计入"),
        s.OrderCompleteSerializer,
        {"hours": "2.0", "note": "在村文化广场宣讲一场，约40人参加。"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_complete(order_id=pk, actor=request.user, **data)


class ConfirmHoursView(_ActionView):
    @_action_schema(
        "confirm_hours",
        gettext_lazy(
            "站长确认志愿者的服务时长（completed/rated；群众评价时自动确认）；重复确认不重复计入"
        ),
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        services.order_confirm_hours(order_id=pk, actor=request.user)
        return Order.objects.get(pk=pk)


class ReleaseView(_ActionView):
    input_serializer = s.OrderReasonSerializer

    @_action_schema(
        "release",
        gettext_lazy("退单（accepted → open），须说明原因"),
        s.OrderReasonSerializer,
        {"reason": "临时有事，无法按时服务"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_release(order_id=pk, actor=request.user, reason=data["reason"])


class ApproveView(_ActionView):
    @_action_schema("approve", gettext_lazy("审核通过（submitted → open）"))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_approve(order_id=pk, actor=request.user)


class RejectView(_ActionView):
    input_serializer = s.OrderReasonSerializer

    @_action_schema(
        "reject",
        gettext_lazy("审核驳回（submitted → rejected），原因群众可见"),
        s.OrderReasonSerializer,
        {"reason": "该服务需到镇实践所办理"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_reject(order_id=pk, actor=request.user, reason=data["reason"])


class CancelView(_ActionView):
    input_serializer = s.OrderReasonSerializer

    @_action_schema(
        "cancel",
        gettext_lazy("管理员取消点单（须说明原因）"),
        s.OrderReasonSerializer,
        {"reason": "群众已搬离本村"},
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, request, pk, data):
        return services.order_cancel(order_id=pk, actor=request.user, reason=data["reason"])


# --- public tracking ----------------------------------------------------------------------


def _tracked(token: str) -> Order:
    return get_object_or_404(
        _order_queryset().prefetch_related("status_changes"), tracking_token=token
    )


class TrackView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="orders_track",
        tags=TAGS,
        summary=gettext_lazy("群众凭查询令牌查看进度"),
        responses={200: s.OrderTrackingSerializer, 404: NOT_FOUND},
    )
    def get(self, request, token: str):
        return Response(s.OrderTrackingSerializer(_tracked(token)).data)


class TrackRateView(APIView):
    permission_classes = [AllowAny]

    @action_schema(
        "orders_track_rate",
        gettext_lazy("群众评价（completed → rated，仅一次）"),
        s.OrderTrackingSerializer,
        tags=TAGS,
        request=s.OrderRateSerializer,
        example={"stars": 5, "comment": "讲得很好"},
        example_summary=gettext_lazy("评价"),
        errors=(400, 404),
        conflict=CONFLICT,
    )
    def post(self, request, token: str):
        serializer = s.OrderRateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_rate(tracking_token=token, **serializer.validated_data)
        return Response(s.OrderTrackingSerializer(_tracked(token)).data)


class TrackCancelView(APIView):
    permission_classes = [AllowAny]

    @action_schema(
        "orders_track_cancel",
        gettext_lazy("群众取消点单（接单前）"),
        s.OrderTrackingSerializer,
        tags=TAGS,
        request=s.OrderOptionalReasonSerializer,
        errors=(400, 404),
        conflict=CONFLICT,
    )
    def post(self, request, token: str):
        serializer = s.OrderOptionalReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.order_cancel(tracking_token=token, reason=serializer.validated_data["reason"])
        return Response(s.OrderTrackingSerializer(_tracked(token)).data)
