"""Monthly plans: which stations have submitted a month's plan, and submitting one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
)
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import Pagination
from core.errors import NotInScope
from events import plans, selectors
from events.api import serializers as s
from events.api.schema import BAD_INPUT, CONFLICT, MONTH_PARAM, NOT_FOUND, month_or_404
from stations.models import Position
from stations.scope import scope_for


class PlanListView(APIView):
    # Paginated like every list: a city admin's overview has a row for each of 1,224 stations.
    pagination_class = Pagination

    @extend_schema(
        summary=gettext_lazy("月度计划提交情况"),
        description=gettext_lazy("管辖范围内各实践站某月计划的状态（missing 表示尚未创建）。"),
        parameters=[MONTH_PARAM],
        responses={200: s.PlanRowSerializer(many=True), 404: NOT_FOUND},
        tags=["events"],
    )
    def get(self, request, ym: str):
        month = month_or_404(ym)
        if not scope_for(request.user).is_admin:
            raise NotInScope()
        paginator = self.pagination_class()
        rows = paginator.paginate_queryset(
            selectors.plan_overview(request.user, month), request, view=self
        )
        data = [
            {
                "position": {"id": r.position.pk, "name": r.position.name},
                "town": {"id": r.position.town_id, "name": r.position.town.name},
                "event_count": r.event_count,
                "status": r.plan.status if r.plan else "missing",
                "submitted_at": r.plan.submitted_at if r.plan else None,
            }
            for r in rows
        ]
        return paginator.get_paginated_response(s.PlanRowSerializer(data, many=True).data)


class PlanSubmitView(APIView):
    @extend_schema(
        summary=gettext_lazy("提交月度计划"),
        description=gettext_lazy(
            "提交实践站某月计划：该月草稿活动变为已计划。过去的月份、空计划 → 400；"
            "已提交 → 409；不在管辖范围 → 404。"
        ),
        parameters=[MONTH_PARAM],
        request=s.PlanSubmitSerializer,
        responses={201: s.PlanSerializer, 400: BAD_INPUT, 404: NOT_FOUND, 409: CONFLICT},
        examples=[
            OpenApiExample(
                "submit",
                summary=gettext_lazy("提交计划"),
                value={"position": 3, "note": "本月两场宣讲"},
                request_only=True,
            )
        ],
        tags=["events"],
    )
    def post(self, request, ym: str):
        month = month_or_404(ym)
        body = s.PlanSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        position = Position.objects.filter(
            pk=body.validated_data["position"], level=Position.Level.STATION
        ).first()
        if position is None:
            raise NotInScope()
        plan = plans.plan_submit(
            user=request.user, position=position, month=month, note=body.validated_data["note"]
        )
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)
