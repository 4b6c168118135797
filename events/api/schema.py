"""What the events API modules share: the month path parameter (and its parsing, a 404 when
malformed) and the documented error responses."""

from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
)

from core import months
from core.api import ErrorSerializer
from core.errors import NotInScope, error_body
from core.months import parse_month

TAGS = ["events"]

MONTH_PARAM = OpenApiParameter(
    "ym",
    str,
    OpenApiParameter.PATH,
    description=gettext_lazy("YYYY-MM（Asia/Shanghai 月份）"),
    # What core.months.parse_month accepts (years 2000-2100); anything else is a 404.
    pattern=months.MONTH_PATTERN,
    examples=[OpenApiExample("2026-12", value="2026-12")],
)
NOT_FOUND = OpenApiResponse(
    ErrorSerializer,
    description=gettext_lazy("未找到"),
    examples=[
        OpenApiExample(
            "not published",
            value=error_body(
                lazy(lambda: _("%(month)s 的活动月历尚未发布。") % {"month": "2026-12"}, str)(),
                "not_found",
            ),
            response_only=True,
            status_codes=["404"],
        )
    ],
)
BAD_INPUT = OpenApiResponse(ErrorSerializer, description=gettext_lazy("参数有误"))
CONFLICT = OpenApiResponse(ErrorSerializer, description=gettext_lazy("当前状态不允许"))


def month_or_404(ym: str):
    month = parse_month(ym)
    if month is None:
        raise NotInScope(months.INVALID_MESSAGE)
    return month
