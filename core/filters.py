"""Query-string filtering every API list shares, refusing what the schema forbids.

- ``IdFilter``: a primary key as a whole number in range (``minimum: 1`` in the schema); an id
  that exists nowhere simply matches nothing (the schema cannot know which ids exist, so a
  schema-valid id is never a 400).
- ``StrictFilterSet``: a single-valued parameter given twice, or given empty (``?town=``), is a
  400 in the error shape, where django-filter would read the last value or no filter at all; a
  boolean is ``true`` or ``false`` (what the schema's ``type: boolean`` allows in a query), where
  django-filter read anything else (``?is_active=AAA``) as "no filter".
- ``SearchFilter`` / ``OrderingFilter``: DRF's, refusing a repeated ``search`` / ``ordering``.
- ``FilterBackend``: django-filter's, not building the filter set when the query string names
  none of its parameters (it would filter nothing, and building it deep-copies every filter and
  form field: ≈ 1 ms of each API list request, ``bench/README.md`` session 10).
- ``BoundedDateFilter`` / ``BoundedDateRangeFilter``: dates 2000-2100 only. Why: a filter such
  as ``?created_after=0001-01-01`` was the one date input left unbounded. It did no harm
  (200, nothing found), but every date a user sends is checked against ``core.dates``, and the
  schema says so with a pattern, so clients and the fuzzer know.
"""

from __future__ import annotations

from functools import cache

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import filters

from core.api import REPEATED, check_single
from core.dates import validate_bounded

MAX_ID = 2**63 - 1  # the largest value a bigint column (PostgreSQL, SQLite) can hold
BLANK = _("该参数不能为空。")
NOT_BOOLEAN = _("应为 true 或 false。")
BOOLEANS = ("true", "false")


# On the class, as for core.fields: filter instances are copied per filter set.
@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """A primary-key filter: a whole number in range, so odd input is a 400, never a DB error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class _StrictForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        data = self.data
        if not hasattr(data, "getlist"):
            return cleaned
        for name, field in self.fields.items():
            # A range reads two parameters (created_after, created_before), each checked alone.
            suffixes = getattr(field.widget, "suffixes", None)
            for param in [f"{name}_{s}" for s in suffixes] if suffixes else [name]:
                if param not in data:
                    continue
                values = data.getlist(param)
                if "" in values:
                    self.add_error(name, str(BLANK))
                elif len(values) > 1 and not isinstance(field, forms.MultipleChoiceField):
                    self.add_error(name, str(REPEATED))
                elif isinstance(field, forms.NullBooleanField) and values[0] not in BOOLEANS:
                    self.add_error(name, str(NOT_BOOLEAN))
        return cleaned


class StrictFilterSet(django_filters.FilterSet):
    def get_form_class(self):
        form = super().get_form_class()
        return type(form.__name__, (_StrictForm, form), {})


class SearchFilter(filters.SearchFilter):
    def get_search_terms(self, request):
        check_single(request.query_params, self.search_param)
        return super().get_search_terms(request)

    def get_schema_operation_parameters(self, view):
        # A list without search fields does not search: the schema must not offer ?search=.
        if not getattr(view, "search_fields", None):
            return []
        return super().get_schema_operation_parameters(view)


class OrderingFilter(filters.OrderingFilter):
    def get_ordering(self, request, queryset, view):
        check_single(request.query_params, self.ordering_param)
        return super().get_ordering(request, queryset, view)


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


@cache
def _prefixes(filterset_class) -> tuple[str, ...]:
    # A parameter a filter reads is its name or starts with it and "_" (a range's
    # created_after / created_before); the strict form checks only parameters present.
    return tuple(name for name in filterset_class.base_filters)


def _names_a_filter(params, prefixes: tuple[str, ...]) -> bool:
    return any(
        param == name or param.startswith(f"{name}_") for param in params for name in prefixes
    )


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not _names_a_filter(
            request.query_params, _prefixes(filterset_class)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
