"""Date filters for list endpoints that take only 2000-2100, like every other date input.

Why: a filter such as ``?created_after=0001-01-01`` was the one date input left unbounded. It
did no harm today (200, nothing found), but the rule is that every date a user sends is checked
against ``core.dates``, and the schema says so with a pattern, so clients and the fuzzer know.
"""

from __future__ import annotations

import django_filters
from drf_spectacular.utils import extend_schema_field

from core.dates import validate_bounded

BOUNDED_DATE_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$",
}


def _validate_bounded_range(value) -> None:
    # A range field cleans to ``slice(start, stop)``; either end may be missing.
    if isinstance(value, slice):
        validate_bounded(value.start)
        validate_bounded(value.stop)


@extend_schema_field(BOUNDED_DATE_SCHEMA)
class BoundedDateFilter(django_filters.DateFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [validate_bounded])
        super().__init__(*args, **kwargs)


@extend_schema_field(BOUNDED_DATE_SCHEMA)
class BoundedDateRangeFilter(django_filters.DateFromToRangeFilter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validators", [_validate_bounded_range])
        super().__init__(*args, **kwargs)
