"""Calendar months in Asia/Shanghai: parsing ``YYYY-MM`` and the aware bounds of a month.

A month is represented by the date of its first day. Its bounds are local midnights, so an
event at 23:30 on the 31st (Shanghai) belongs to that month even though it is 15:30 UTC.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def parse_month(value: str) -> dt.date | None:
    """``"2026-12"`` → ``date(2026, 12, 1)``; None for anything else (so callers answer 404/400)."""
    match = MONTH_RE.match(value or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        return None
    return dt.date(year, month, 1)


def month_of(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware start (inclusive) and end (exclusive) of ``month`` in local time."""
    tz = local_tz()
    start = dt.datetime(month.year, month.month, 1, tzinfo=tz)
    nxt = add_months(month, 1)
    end = dt.datetime(nxt.year, nxt.month, 1, tzinfo=tz)
    return start, end


def current_month() -> dt.date:
    today = timezone.localdate()
    return dt.date(today.year, today.month, 1)


def format_month(month: dt.date) -> str:
    return f"{month:%Y-%m}"
