"""Report months: the first day of a month in Asia/Shanghai, parsed from and shown as YYYY-MM."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import InvalidInput

TZ = ZoneInfo(settings.TIME_ZONE)
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def first_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (both first days)."""
    return (end.year - start.year) * 12 + end.month - start.month


def month_range(start: dt.date, end: dt.date) -> list[dt.date]:
    return [add_months(start, i) for i in range(months_between(start, end) + 1)]


def month_of(moment: dt.datetime | None) -> dt.date | None:
    """The report month of an aware datetime: its calendar month in Asia/Shanghai."""
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


def parse_month(value: str | None, *, field: str = "month", default: dt.date | None = None):
    """Parse ``YYYY-MM``; blank gives ``default``; anything else raises InvalidInput (→ 400)."""
    if value is None or value == "":
        return default
    match = MONTH_RE.match(value.strip())
    if match:
        year, month = int(match.group(1)), int(match.group(2))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    message = _("月份格式应为 YYYY-MM，例如 2026-10。")
    raise InvalidInput(message, fields={field: [message]})


def label(month: dt.date) -> str:
    return f"{month:%Y-%m}"
