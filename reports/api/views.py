"""Report endpoints: the same selectors as the pages, so the numbers are the same."""

import hashlib
from collections.abc import Callable

from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core import months
from core.errors import INVALID, error_body
from core.months import last_full_month
from core.openapi import error_response
from core.stored import bytes_response, etag_for, not_modified
from reports import cache as report_cache
from reports import selectors
from reports.api import serializers as s
from reports.views import range_params
from stations.scope import scope_for

# The messages the API really sends (lazy: the docs show them in the language they are read in).
ERRORS = {
    400: error_response(
        400,
        error_body(INVALID, "invalid", {"month": [months.INVALID_MESSAGE]}),
    ),
    404: error_response(404),
}


def _area(request, query):
    return selectors.resolve_area(
        scope_for(request.user),
        town_id=query.validated_data.get("town"),
        village_id=query.validated_data.get("village"),
    )


def _kept_json(
    request, view: APIView, key: str, area, compute: Callable[[], dict]
) -> HttpResponse | None:
    """The report's JSON as bytes kept under the report cache's tokens (``reports.cache``), so
    a repeat answer is one string read and no serialisation: the city's coverage lists every
    unserved village (7,949 in the scale-60 demo's November: 1.9 MB), which took ≈ 100 ms to
    read back and render.
    A 304 when the client's copy is current. None for the browsable API (rendered as before).
    """
    if request.accepted_renderer.format != "json":
        return None

    def render() -> tuple[str, bytes]:
        body = request.accepted_renderer.render(
            compute(), "application/json", view.get_renderer_context()
        )
        return etag_for(hashlib.sha256(body).hexdigest()), body

    etag, body = report_cache.cached(
        f"api:{key}:{get_language()}:{selectors.area_key(area)}",
        render,
        town_id=area.town.pk if area.town else None,
    )
    unchanged = not_modified(request, etag=etag)
    if unchanged is not None:
        return unchanged
    # Private: what a report shows depends on the login's area.
    return bytes_response(
        body, content_type="application/json", etag=etag, cache_control="private, no-cache"
    )


class CoverageView(APIView):
    @extend_schema(
        summary=_("服务覆盖"),
        description=_(
            "某月各镇街（或指定镇街的各村）已服务村数、覆盖率、分类别服务、近12个月趋势和未服务村清单。"
            "已服务：当月至少有1个完成的点单或1场完成的活动（按 Asia/Shanghai 月份）。"
        ),
        parameters=[s.MonthQuery],
        responses={200: s.CoverageSerializer, **ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        query = s.MonthQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or last_full_month()
        area = _area(request, query)
        kept = _kept_json(
            request,
            self,
            f"coverage:{month:%Y-%m}",
            area,
            lambda: selectors.compute_coverage(area, month).as_dict(),
        )
        return kept or Response(selectors.coverage(area, month).as_dict())


class FiveStandardsView(APIView):
    @extend_schema(
        summary=_("五有达标"),
        description=_("某月各实践站的有阵地、有计划、有队伍、有实践、有成效，及各镇街全达标率。"),
        parameters=[s.MonthQuery],
        responses={200: s.FiveStandardsSerializer, **ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        query = s.MonthQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or last_full_month()
        return Response(selectors.five_standards(_area(request, query), month).as_dict())


class OrdersView(APIView):
    @extend_schema(
        summary=_("点单统计"),
        description=_(
            "from..to（含，YYYY-MM）内收到、接单、完成、评价数，接单与完成用时中位数（小时），"
            "平均评分，超时未接单数；按镇街、类别、平台、队伍分组。"
        ),
        parameters=[s.RangeQuery],
        responses={200: s.OrdersSerializer, **ERRORS},
        tags=["reports"],
    )
    def get(self, request):
        query = s.RangeQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        # The serializer checked the months; range_params adds the defaults and the range rules.
        start, end = range_params(request.query_params)
        return Response(selectors.orders(_area(request, query), start, end).as_dict())
