"""Report endpoints: the same selectors as the pages, so the numbers are the same."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from core import months
from core.errors import INVALID, error_body
from core.months import last_full_month
from core.openapi import error_response
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
        return Response(selectors.coverage(area, month).as_dict())


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
