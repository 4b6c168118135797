"""The published calendar JSON for a month (the same events as the page and the .ics).

Served from the stored version's bytes with ``ETag`` and ``Last-Modified`` (a 304 when the
client has it already): no serialisation per request. ``town``, ``village`` and ``category``
narrow the events to an area (the page's filters; the whole city is ≈700 KB a month), with the
other keys unchanged; such an answer is kept in the shared cache under the version's id. Each
process keeps the whole answer while no version is published (``core.generations``): no query
on a repeat.
"""

from __future__ import annotations

import json

from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.views import APIView

from core import generations
from core.api import QuerySerializer
from core.errors import NotInScope
from core.filters import MAX_ID
from core.stored import Answer, LocalBlobs, etag_for, kept_answer
from events import ical, selectors
from events.api import serializers as s
from events.api.schema import BAD_INPUT, MONTH_PARAM, NOT_FOUND, month_or_404

AREA_FILTERS = ("town", "village", "category")
CACHE_SECONDS = 24 * 3600


class CalendarQuery(QuerySerializer):
    town = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    village = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    category = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


def _filtered_bytes(published, filters: dict) -> bytes:
    key = "calendar:json:{}:{}:{}".format(
        published.pk, published.content_hash, ":".join(str(filters.get(f)) for f in AREA_FILTERS)
    )
    body = cache.get(key)
    if body is None:
        data = selectors.calendar_data(published)
        events = ical.items_filtered(
            data["events"],
            town_id=filters.get("town"),
            village_id=filters.get("village"),
            category_id=filters.get("category"),
        )
        body = json.dumps({**data, "events": events}, ensure_ascii=False).encode()
        cache.set(key, body, CACHE_SECONDS)
    return body


def _id_param(name: str, description) -> OpenApiParameter:
    return OpenApiParameter(
        name, {"type": "integer", "minimum": 1, "maximum": MAX_ID}, description=description
    )


class PublishedCalendarView(APIView):
    # The same answer for everyone: no login or token is looked up (calendar apps poll all day).
    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        summary=gettext_lazy("已发布的活动月历"),
        description=gettext_lazy(
            "某月最新发布版本的 JSON：version、content_hash、各镇街与类别活动数和 events。"
            "events[].uid 与 .ics 中的 UID 一致，且跨版本不变。与 /calendar/<YYYY-MM>/ 页面及 "
            ".ics 列出的活动相同。town、village、category 只列出该镇街、村（社区）或类别的活动"
            "（其余字段不变）。响应带 ETag 与 Last-Modified：未变化时以 If-None-Match 或 "
            "If-Modified-Since 请求得到 304。"
        ),
        parameters=[
            MONTH_PARAM,
            _id_param("town", gettext_lazy("只列出该镇（街道）的活动")),
            _id_param("village", gettext_lazy("只列出该村（社区）的活动")),
            _id_param("category", gettext_lazy("只列出该类别的活动")),
        ],
        responses={
            200: s.PublishedCalendarSerializer,
            304: None,
            400: BAD_INPUT,
            404: NOT_FOUND,
        },
        tags=["events"],
    )
    def get(self, request, ym: str):
        month = month_or_404(ym)
        filters = _filters(request)
        # Keyed by the validated filters: "7" and "7.0" are one answer, other parameters none.
        key = ("calendar-json", month, *generations.current(generations.CALENDAR), *filters)
        return kept_answer(request, key, lambda: _answer(month, ym, dict(filters)))


# The area filters as asked → as validated, for queries seen before: validating the query
# serializer cost as much as the rest of a kept answer. Only valid queries are kept.
_VALIDATED = LocalBlobs(size=1024)


def _filters(request) -> tuple[tuple[str, int], ...]:
    asked = tuple(tuple(request.query_params.getlist(name)) for name in AREA_FILTERS)

    def validate() -> tuple[tuple[str, int], ...]:
        query = CalendarQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        return tuple(sorted((k, v) for k, v in query.validated_data.items() if v is not None))

    return _VALIDATED.get(asked, validate)


def _answer(month, ym: str, filters: dict) -> Answer:
    """The month's JSON for ``filters`` (raises 404 when unpublished: not kept)."""
    published = selectors.latest_calendar(month)
    if published is None:
        raise NotInScope(_("%(month)s 的活动月历尚未发布。") % {"month": ym})
    etag = etag_for("calendar-json", published.pk, published.content_hash, sorted(filters.items()))
    body = _filtered_bytes(published, filters) if filters else selectors.calendar_bytes(published)
    return Answer(
        body, content_type="application/json", etag=etag, last_modified=published.created_at
    )
