"""An event's volunteers (managers only) and confirming a volunteer's hours."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import INVALID, error_body
from core.openapi import error_response
from events import selectors, services
from events.api import serializers as s
from events.api.events import managed_event
from events.api.schema import TAGS

VOLUNTEER_EXAMPLE = {
    "volunteer": {"id": 7, "name": "张明"},
    "hours": "2.0",
    "checked_in": True,
    "confirmed": True,
    "hours_credited": True,
    "created_at": "2026-12-12T11:05:00+08:00",
}
CANCELLED_CONFLICT = error_response(
    409, error_body(_("只有已发布或已完成的活动才能确认服务时长。"), "conflict")
)


class EventVolunteersView(generics.ListAPIView):
    """The event page's volunteer table (managers only) and its "confirm hours" form."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = s.EventVolunteerSerializer
    filter_backends: list = []  # the page's table has no filters; ordered by sign-up

    def get_queryset(self):
        return selectors.event_volunteers(managed_event(self.request.user, self.kwargs["pk"]))

    @extend_schema(
        operation_id="events_volunteers_list",
        summary=_("活动的服务志愿者"),
        description=_(
            "报名、签到或经确认的志愿者及其时长，与活动页面“服务志愿者”表相同；"
            "仅活动的管理者可见，其他人 → 404。"
        ),
        responses={200: s.EventVolunteerSerializer(many=True), 404: error_response(404)},
        examples=[
            OpenApiExample(
                "volunteers",
                summary=_("服务志愿者"),
                value=VOLUNTEER_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            )
        ],
        tags=TAGS,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="events_volunteers_confirm",
        summary=_("确认志愿者时长"),
        description=_(
            "组织方确认志愿者参加了服务及其时长（大于 0、不超过 24 小时），时长随即计入志愿者；"
            "以相同时长再次确认不重复计入，不同时长记为更正（留痕）。"
            "志愿者不存在或时长有误 → 400；确认自己的时长 → 403；"
            "活动未开始、未发布或已取消 → 409。"
        ),
        request=s.VolunteerConfirmSerializer,
        responses={
            200: s.EventVolunteerSerializer,
            400: error_response(
                400,
                error_body(INVALID, "invalid", {"volunteer": [_("志愿者不存在。")]}),
            ),
            404: error_response(404),
            409: CANCELLED_CONFLICT,
        },
        examples=[
            OpenApiExample(
                "confirm",
                summary=_("确认时长"),
                value={"volunteer": 1, "hours": "2.0"},
                request_only=True,
            ),
            OpenApiExample(
                "confirmed",
                summary=_("已确认"),
                value=VOLUNTEER_EXAMPLE,
                response_only=True,
                status_codes=["200"],
            ),
        ],
        tags=TAGS,
    )
    def post(self, request, pk: int):
        event = managed_event(request.user, pk)
        body = s.VolunteerConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        link = services.event_volunteer_confirm(
            user=request.user,
            event=event,
            volunteer=body.validated_data["volunteer"],
            hours=body.validated_data["hours"],
        )
        link = selectors.event_volunteers(event).get(pk=link.pk)
        return Response(s.EventVolunteerSerializer(link).data)


class ConfirmAllSerializer(serializers.Serializer):
    confirmed = serializers.IntegerField(help_text=_("本次确认的记录数（已确认的不重复计入）"))
    pending = serializers.IntegerField(help_text=_("仍待确认的记录数"))


class EventVolunteersConfirmAllView(APIView):
    """The event page's "confirm all": every pending record of the event, as recorded."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        operation_id="events_volunteers_confirm_all",
        summary=_("全部确认志愿者时长"),
        description=_(
            "组织方一次确认本活动所有待确认的服务时长（签到记录的时长）；再次调用不重复计入。"
            "活动未开始、未发布或已取消 → 409；不是活动的管理者 → 404。"
        ),
        request=None,
        responses={200: ConfirmAllSerializer, 404: error_response(404), 409: CANCELLED_CONFLICT},
        examples=[
            OpenApiExample(
                "confirmed",
                value={"confirmed": 3, "pending": 0},
                response_only=True,
                status_codes=["200"],
            )
        ],
        tags=TAGS,
    )
    def post(self, request, pk: int):
        event = managed_event(request.user, pk)
        confirmed = services.event_volunteers_confirm_all(user=request.user, event=event)
        return Response({"confirmed": confirmed, "pending": selectors.pending_hours_count(event)})
