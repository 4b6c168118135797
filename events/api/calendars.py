"""The published calendar JSON for a month (the same events as the page and the .ics)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    extend_schema,
)
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotInScope
from events import selectors
from events.api import serializers as s
from events.api.schema import MONTH_PARAM, NOT_FOUND, month_or_404


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
        month = month_or_404(ym)
        published = selectors.latest_calendar(month)
        if published is None:
            raise NotInScope(_("%(month)s 的活动月历尚未发布。") % {"month": ym})
        return Response(selectors.calendar_data(published))
