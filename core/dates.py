"""The dates Wenming accepts: years 2000 to 2100.

Far-off years are typos (a resident's ``20266-01-01``), and before 1901 Asia/Shanghai had a
local-mean-time offset (+08:05:43) that no RFC 3339 client can parse back. Every date, datetime
or month that comes from a user is checked against these bounds: month parsing
(``core.months``) uses them, and ``validate_bounded`` is a validator for model, form and
serializer fields alike (Django's ``ValidationError``, which DRF turns into a 400).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MIN_YEAR = 2000
MAX_YEAR = 2100
YEARS = {"min": MIN_YEAR, "max": MAX_YEAR}  # the message's placeholders
MIN_DATE = dt.date(MIN_YEAR, 1, 1)
MAX_DATE = dt.date(MAX_YEAR, 12, 31)

OUT_OF_RANGE_MESSAGE = _("请填写 %(min)s 年至 %(max)s 年之间的时间。")


def in_range(value: dt.date | dt.datetime) -> bool:
    """True when the year of ``value`` (a date or a datetime) is within 2000-2100."""
    return MIN_YEAR <= value.year <= MAX_YEAR


def validate_bounded(value: dt.date | dt.datetime | None) -> None:
    """Field validator: refuse a date or datetime outside 2000-2100 (None passes: that is the
    field's ``required``/``null`` rule, not this one)."""
    if value is not None and not in_range(value):
        raise ValidationError(
            OUT_OF_RANGE_MESSAGE,
            code="date_out_of_range",
            params=YEARS,
        )
