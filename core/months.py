"""Months in Asia/Shanghai: parsing ``YYYY-MM``, the aware bounds of a month, month arithmetic.

A month is the ``date`` of its first day. Its bounds are local midnights, so an event at 23:30
on the 31st (Shanghai) belongs to that month even though it is 15:30 UTC.

``YYYY-MM`` means exactly that: four ASCII digits, a dash, two ASCII digits, and nothing
else (no surrounding whitespace, no trailing newline, no Arabic-Indic or full-width digits,
which Python's ``\\d`` and ``$`` would let through), with a year from 2000 to 2100
(``core.dates``). ``MONTH_PATTERN`` states the same rule for the OpenAPI schema.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import MAX_YEAR, MIN_YEAR
from core.errors import InvalidInput

TZ = ZoneInfo(settings.TIME_ZONE)

# For the schema (ECMA-262, as OpenAPI reads it): years MIN_YEAR-MAX_YEAR (2000-2100), months
# 01-12. parse_month checks the same with fullmatch.
MONTH_PATTERN = r"^(?:20[0-9]{2}|2100)-(?:0[1-9]|1[0-2])$"
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)

INVALID_MESSAGE = _("月份格式应为 YYYY-MM，例如 2026-12。")


def parse_month(value: object) -> dt.date | None:
    """``"2026-12"`` → ``date(2026, 12, 1)``; None for anything else, so the caller decides
    between a 404 (a month in a URL) and a 400 (a month in a query or a form)."""
    if not isinstance(value, str):
        return None
    match = _MONTH_RE.fullmatch(value)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def parse_month_param(
    value: str | None, *, field: str = "month", default: dt.date | None = None
) -> dt.date | None:
    """A month from a query parameter or form field: blank gives ``default``; anything that
    is not a month raises ``InvalidInput`` (a 400 naming ``field``)."""
    if value is None or value == "":
        return default
    month = parse_month(value)
    if month is None:
        raise InvalidInput(INVALID_MESSAGE, fields={field: [INVALID_MESSAGE]})
    return month


def label(month: dt.date) -> str:
    """``date(2026, 12, 1)`` → ``"2026-12"`` (what parse_month reads back)."""
    return f"{month:%Y-%m}"


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (both first days)."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every month from ``start`` to ``end``, both included."""
    return [add_months(start, i) for i in range(months_between(start, end) + 1)]


def month_of(moment: dt.datetime | None) -> dt.date | None:
    """The month of an aware datetime: its calendar month in Asia/Shanghai."""
    if moment is None:
        return None
    return first_of(timezone.localtime(moment, TZ).date())


def bounds(month: dt.date, last: dt.date | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of ``month`` (through ``last``) as aware datetimes in Asia/Shanghai."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=TZ)
    after = add_months(last or month, 1)
    return start, dt.datetime(after.year, after.month, 1, tzinfo=TZ)


def current_month() -> dt.date:
    return first_of(timezone.localdate(timezone=TZ))


def last_full_month() -> dt.date:
    """The default report month: the month before this one (this one is not over yet)."""
    return add_months(current_month(), -1)
