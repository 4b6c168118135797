"""Valid service hours: beside the record they go in, where orders and events may import them.

A number of service hours (志愿服务时长) is more than 0, at most 24 (one record is one day's service
at most) and has at most one decimal place. ``parse_hours`` applies the rule for the services;
``HoursFormField`` (pages) and ``HoursField`` (API) ask it, so every door refuses the same values
with the same message, and the OpenAPI schema states the same bounds everywhere.

One named exception: ``parse_attendance_hours``, for a volunteer named on an event's list when it
is completed, also takes 0 (attended, no hours credited).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.errors import InvalidInput

MIN_HOURS = Decimal("0")  # exclusive: no hours is no service to record
MAX_HOURS = Decimal("24")  # inclusive
STEP = Decimal("0.1")  # at most one decimal place
NO_HOURS = Decimal("0.0")  # parse_attendance_hours only

MESSAGE = _("服务时长应大于 0、不超过 24 小时，最多一位小数。")

# The rule as written text, for the API schema: 0.1-9.9, 10-23.9, 24 or 24.0 (a client and the
# fuzzer read the bounds from it; tests check it against parse_hours).
PATTERN = r"^(?:0\.[1-9]|(?:[1-9]|1\d|2[0-3])(?:\.\d)?|24(?:\.0)?)$"

HoursInput = Decimal | str | float | int | None

_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)


def _read(value: HoursInput) -> Decimal | None:
    """``value`` as a finite decimal with at most one decimal place, else None."""
    if isinstance(value, str) and not _PLAIN.fullmatch(value.strip()):
        return None  # "1e1", "1_0", "+5", "5." and other scripts' digits are not hours as typed
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not hours.is_finite() or hours.as_tuple().exponent < -1:
        return None
    return hours


def parse_hours(value: HoursInput, *, field: str = "hours") -> Decimal:
    """``value`` as the hours of one piece of service, with one decimal (``2`` → ``2.0``).

    Raises ``InvalidInput`` with ``MESSAGE`` (for ``field``) for anything else: empty, not a
    number, NaN or infinite, 0 or less, more than 24, more than one decimal place.
    """
    hours = _read(value)
    if hours is None or not MIN_HOURS < hours <= MAX_HOURS:
        raise InvalidInput(MESSAGE, fields={field: [MESSAGE]})
    return hours.quantize(STEP)


def parse_attendance_hours(value: HoursInput, *, field: str = "hours") -> Decimal:
    """The hours of a volunteer the organiser names when completing an event: ``parse_hours``,
    except that 0 is allowed. Zero means "attended, no hours credited": the volunteer is on the
    event's list (``EventVolunteer``, which reminders and check-in read) and no service record is
    made, so nothing counts. Raises ``InvalidInput`` with ``MESSAGE`` otherwise."""
    hours = _read(value)
    if hours is not None and hours == 0:
        return NO_HOURS
    return parse_hours(value, field=field)


class HoursFormField(forms.DecimalField):
    """A page's hours input: ``parse_hours`` with its message (also for an empty input)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("服务时长（小时）"))
        # The browser's number input states the same bounds; the step counts from min (0.1).
        kwargs.setdefault(
            "widget",
            forms.NumberInput(
                attrs={
                    "min": str(STEP),
                    "max": str(MAX_HOURS),
                    "step": str(STEP),
                    "inputmode": "decimal",
                }
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values and not self.required:
            return None
        try:
            return parse_hours(value)
        except InvalidInput:
            raise ValidationError(MESSAGE, code="invalid") from None


# A subclass carries the schema, because DRF copies declared field instances and an annotation
# on an instance would be lost (as core.fields does).
@extend_schema_field({"type": "string", "format": "decimal", "pattern": PATTERN})
class HoursField(serializers.DecimalField):
    """An API body's hours: a JSON string (``core.json_types`` refuses a number, as the schema
    says), then ``parse_hours`` with its message."""

    default_error_messages = {"invalid": MESSAGE, "max_string_length": MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 3)
        kwargs.setdefault("decimal_places", 1)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        # Hours as typed, before DRF's Decimal() reads "1e1" as 10 and "２" as 2 (the patched
        # parent still refuses a JSON number first).
        if isinstance(data, str) and not _PLAIN.fullmatch(data.strip()):
            self.fail("invalid")
        return super().to_internal_value(data)

    def validate_precision(self, value):
        # DRF's hook once the text reads as a finite number; to_internal_value itself is left
        # alone so that core.json_types' check of the JSON type still runs first.
        try:
            return parse_hours(value)
        except InvalidInput:
            self.fail("invalid")
