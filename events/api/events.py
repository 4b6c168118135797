"""Events: list and detail (anyone sees all but drafts), and what a station head (or town/city
admin) does on the event pages, through the same services: create and edit events, plan,
publish, complete and cancel them. An event outside the caller's area is a 404 (as on the
pages); a wrong state is a 409."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotInScope
from core.fields import BoundedDateTimeField, IdField
from core.openapi import action_schema, error_response
from events import access, selectors, services
from events.api import serializers as s
from events.api.schema import BAD_INPUT, TAGS
from events.filters import EventFilter
from events.models import DESCRIPTION_MAX, MAX_COUNT, REASON_MAX, Event
from orders.models import Platform, ServiceCategory, TargetGroup
from stations.models import Town, Village

EVENT_EXAMPLE = {
    "title": "民法典进村宣讲",
    "category": 1,
    "start": "2026-12-12T09:00:00+08:00",
    "end": "2026-12-12T11:00:00+08:00",
    "venue_address": "村文化广场",
    "description": "讲解与村民生活相关的民法典条文。",
    "capacity": 60,
    "audience": "",
}


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
        summary=_("活动列表"),
        description=_(
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
        summary=_("活动详情"),
        description=_("与活动页面公开的内容相同，含活动成效和照片；草稿仅管理者可见。"),
        responses={200: s.EventDetailSerializer, 404: error_response(404)},
        tags=["events"],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class EventWriteSerializer(serializers.Serializer):
    """An event's editable fields; the area (village or town) is fixed at creation."""

    title = serializers.CharField(max_length=150)
    category = IdField(queryset=ServiceCategory.objects.all())
    platform = IdField(queryset=Platform.objects.all(), allow_null=True, required=False)
    start = BoundedDateTimeField()
    end = BoundedDateTimeField()
    venue_address = serializers.CharField(max_length=200, allow_blank=True, required=False)
    description = serializers.CharField(
        allow_blank=True, required=False, max_length=DESCRIPTION_MAX
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=MAX_COUNT, allow_null=True, required=False
    )
    audience = serializers.ChoiceField(
        choices=TargetGroup.choices,
        allow_blank=True,
        required=False,
        help_text=_("定向服务对象；空表示面向全体群众"),
    )


class EventCreateSerializer(EventWriteSerializer):
    village = IdField(
        queryset=Village.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("站长可留空：默认为本站所在村。"),
    )
    town = IdField(
        queryset=Town.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("镇街活动填写镇（街道）；村级活动只填村即可。"),
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX, help_text=_("取消原因（公开显示）"))


class CompleteSerializer(serializers.Serializer):
    attendance = serializers.IntegerField(
        min_value=0, max_value=MAX_COUNT, required=False, allow_null=True
    )
    results_note = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=DESCRIPTION_MAX
    )


def managed_event(user, pk: int) -> Event:
    """The event if ``user`` manages it; 404 otherwise, whether it exists elsewhere or not."""
    event = get_object_or_404(selectors.calendar_queryset(), pk=pk)
    if not access.event_in_scope(user, event):
        raise NotInScope()
    return event


def _reloaded(event: Event, request) -> dict:
    fresh = selectors.with_photos(selectors.calendar_queryset()).get(pk=event.pk)
    return s.EventDetailSerializer(fresh, context={"request": request}).data


class EventListCreateView(EventListView):
    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        operation_id="events_create",
        summary=_("新建活动（草稿）"),
        description=_(
            "在调用者管辖范围内新建草稿活动；站长不填村时默认为本站所在村。"
            "时间有误 → 400；范围外的村或镇 → 404。"
        ),
        request=EventCreateSerializer,
        responses={
            201: s.EventDetailSerializer,
            400: error_response(400),
            404: error_response(404),
        },
        examples=[OpenApiExample("lecture", value=EVENT_EXAMPLE, request_only=True)],
        tags=TAGS,
    )
    def post(self, request, *args, **kwargs):
        body = EventCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.event_create(user=request.user, **body.validated_data)
        return Response(_reloaded(event, request), status=status.HTTP_201_CREATED)


class EventDetailEditView(EventDetailView):
    def get_permissions(self):
        if self.request.method == "PATCH":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(
        operation_id="events_partial_update",
        summary=_("修改活动"),
        description=_("只改传入的字段。已完成或已取消的活动 → 409。"),
        request=EventWriteSerializer(partial=True),
        responses={
            200: s.EventDetailSerializer,
            400: error_response(400),
            404: error_response(404),
            409: error_response(409),
        },
        tags=TAGS,
    )
    def patch(self, request, pk: int):
        event = managed_event(request.user, pk)
        body = EventWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        event = services.event_update(user=request.user, event=event, **body.validated_data)
        return Response(_reloaded(event, request))


class _EventActionView(APIView):
    permission_classes = [permissions.IsAuthenticated]
    request_serializer: type[serializers.Serializer] | None = None

    def post(self, request, pk: int):
        event = managed_event(request.user, pk)
        data = {}
        if self.request_serializer is not None:
            body = self.request_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            data = body.validated_data
        event = self.act(request.user, event, data)
        return Response(_reloaded(event, request))

    def act(self, user, event: Event, data: dict) -> Event:  # pragma: no cover - abstract
        raise NotImplementedError


def _action_schema(name: str, summary, description, request=None):
    return action_schema(
        f"events_{name}",
        summary,
        s.EventDetailSerializer,
        tags=TAGS,
        description=description,
        request=request,
        errors=(404, 400) if request is not None else (404,),
    )


class EventPlanView(_EventActionView):
    @_action_schema("plan", _("列入计划"), _("草稿 → 已计划。"))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, user, event, data):
        return services.event_plan(user=user, event=event)


class EventPublishView(_EventActionView):
    @_action_schema("publish", _("发布活动"), _("草稿或已计划 → 已发布（出现在公开月历中）。"))
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, user, event, data):
        return services.event_publish(user=user, event=event)


class EventCancelView(_EventActionView):
    request_serializer = CancelSerializer

    @_action_schema(
        "cancel", _("取消活动"), _("未完成的活动 → 已取消，需填写原因。"), CancelSerializer
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, user, event, data):
        return services.event_cancel(user=user, event=event, reason=data["reason"])


class EventCompleteView(_EventActionView):
    request_serializer = CompleteSerializer

    @_action_schema(
        "complete",
        _("完成活动"),
        _("已计划或已发布、且已开始的活动 → 已完成；记录参与人数与成效，签到志愿者计入时长。"),
        CompleteSerializer,
    )
    def post(self, request, pk: int):
        return super().post(request, pk)

    def act(self, user, event, data):
        return services.event_complete(
            user=user,
            event=event,
            attendance=data.get("attendance"),
            results_note=data.get("results_note", ""),
        )
