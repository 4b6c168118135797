"""Check-in at an event: residents with name and phone, volunteers with their login."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.client_ip import client_ip
from core.errors import InvalidInput
from core.openapi import error_response
from events import checkin
from events.api import serializers as s
from events.api.schema import BAD_INPUT, CONFLICT, NOT_FOUND
from events.models import CheckIn, Event


class CheckInView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("活动签到"),
        description=gettext_lazy(
            "群众以姓名、手机号和现场二维码中的签到码（token，每 5 分钟更新）签到；"
            "志愿者登录后以 as_volunteer=true 签到（仅本镇街的活动或本人报名、被安排的活动；"
            "不在册的志愿者不能签到），签到记录待组织方确认的服务时长。"
            "只在活动发布后、开始前 60 分钟至结束后 120 分钟内可签到。"
            "重复签到忽略（created=false）。签到码无效或过期 → 400；志愿者不符合条件 → 403；"
            "不在签到时间内或活动状态不允许 → 409；过于频繁 → 429。"
        ),
        request=s.CheckInInputSerializer,
        responses={
            201: s.CheckInResultSerializer,
            200: s.CheckInResultSerializer,
            400: BAD_INPUT,
            403: error_response(403),
            404: NOT_FOUND,
            409: CONFLICT,
            429: error_response(429),
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
            result = checkin.checkin_volunteer(event=event, user=request.user)
        else:
            result = checkin.checkin_resident(
                event=event,
                name=data["name"],
                phone=data["phone"],
                token=data["token"],
                ip=client_ip(request),
            )
        event.refresh_from_db(fields=["attendance"])
        payload = {
            "created": result.created,
            "attendance": event.attendance,
            "checkins": CheckIn.objects.filter(event=event).count(),
        }
        return Response(payload, status=201 if result.created else 200)
