"""Events API: the published calendar JSON, event lists with filters, plans and check-ins."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import generics, permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer, Pagination
from config.errors import InvalidInput, NotInScope
from config.openapi import error_response
from events import selectors, services
from events.api import serializers as s
from events.filters import EventFilter
from events.models import CheckIn, Event
from events.months import parse_month
from stations.models import Position
from stations.scope import scope_for

MONTH_PARAM = OpenApiParameter(
    "ym",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy("YYYY-MM（Asia/Shanghai 月份）"),
    # What events.months.parse_month accepts (years 2000-2100); anything else is a 404.
    pattern=r"^(?:20\d{2}|2100)-(?:0[1-9]|1[0-2])$",
    examples=[OpenApiExample("2026-12", value="2026-12")],
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy("未找到"),
    examples=[
        OpenApiExample(
            "not published",
            value={
                "detail": lazy(
                    lambda: _("%(month)s 的活动月历尚未发布。") % {"month": "2026-12"}, str
                )(),
                "code": "not_found",
                "fields": {},
            },
            response_only=True,
            status_codes=["404"],
        )
    ],
)
BAD_INPUT = OpenApiResponse(ErrorSerializer, description=gettext_lazy("参数有误"))
CONFLICT = OpenApiResponse(ErrorSerializer, description=gettext_lazy("当前状态不允许"))


def _month(ym: str):
    month = parse_month(ym)
    if month is None:
        raise NotInScope(_("月份格式应为 YYYY-MM，例如 2026-12。"))
    return month


class PublishedCalendarView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("已发布的活动月历"),
        description=gettext_lazy(
            "某月最新发布版本的 JSON：version、content_hash、各镇街与类别活动数和 events。"
            "events[].uid 与 .ics 中的 UID 一致，且跨版本不变。与 /calendar/<YYYY-MM>/ 页面及 "
            ".ics 列出的活动相同。"
        ),
        parameters=[MONTH_PARAM],
        responses={200: s.PublishedCalendarSerializer, 404: NOT_FOUND},
        tags=["events"],
    )
    def get(self, request, ym: str):
        month = _month(ym)
        published = selectors.latest_calendar(month)
        if published is None:
            raise NotInScope(_("%(month)s 的活动月历尚未发布。") % {"month": ym})
        return Response(selectors.calendar_data(published))


class EventListView(generics.ListAPIView):
    """Events anyone may see (everything but drafts), plus drafts in the caller's area."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.EventListSerializer
    filterset_class = EventFilter
    ordering_fields = ["start", "id"]
    ordering = ["start", "id"]
    search_fields = ["title"]

    def get_queryset(self):
        return selectors.visible_events(self.request.user)

    @extend_schema(
        summary=gettext_lazy("活动列表"),
        description=gettext_lazy(
            "按镇街、村、类别、平台、状态和日期（date_from/date_to，Asia/Shanghai）筛选。"
        ),
        responses={200: s.EventListSerializer(many=True), 400: BAD_INPUT},
        tags=["events"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EventDetailView(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.EventDetailSerializer

    def get_queryset(self):
        return selectors.with_photos(selectors.visible_events(self.request.user))

    @extend_schema(
        summary=gettext_lazy("活动详情"),
        description=gettext_lazy("与活动页面公开的内容相同，含活动成效和照片；草稿仅管理者可见。"),
        responses={200: s.EventDetailSerializer, 404: error_response(404)},
        tags=["events"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


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
        month = _month(ym)
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
        tags=["events"],
    )
    def post(self, request, ym: str):
        month = _month(ym)
        body = s.PlanSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        position = Position.objects.filter(
            pk=body.validated_data["position"], level=Position.Level.STATION
        ).first()
        if position is None:
            raise NotInScope()
        plan = services.plan_submit(
            user=request.user, position=position, month=month, note=body.validated_data["note"]
        )
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class CheckInView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("活动签到"),
        description=gettext_lazy(
            "群众以姓名和手机号签到，志愿者登录后以 as_volunteer=true 签到；"
            "重复签到忽略（created=false）。"
        ),
        request=s.CheckInInputSerializer,
        responses={
            201: s.CheckInResultSerializer,
            200: s.CheckInResultSerializer,
            400: BAD_INPUT,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=["events"],
    )
    def post(self, request, pk: int):
        event = get_object_or_404(Event.objects.exclude(state=Event.State.DRAFT), pk=pk)
        body = s.CheckInInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["as_volunteer"]:
            if not request.user.is_authenticated:
                raise InvalidInput(_("志愿者签到需要先登录。"))
            result = services.checkin_volunteer(event=event, user=request.user)
        else:
            result = services.checkin_resident(event=event, name=data["name"], phone=data["phone"])
        event.refresh_from_db(fields=["attendance"])
        payload = {
            "created": result.created,
            "attendance": event.attendance,
            "checkins": CheckIn.objects.filter(event=event).count(),
        }
        return Response(payload, status=201 if result.created else 200)
