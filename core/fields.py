"""Serializer fields for the input rules the apps share, each with the OpenAPI schema that
states exactly what it accepts (the fuzzer in CI generates from these)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import dates, months, phone
from core.filters import MAX_ID


# Subclasses carry the schema, because DRF copies declared field instances and an annotation on
# an instance would be lost.
@extend_schema_field({"type": "string", "pattern": months.MONTH_PATTERN, "example": "2026-12"})
class MonthField(serializers.CharField):
    """``YYYY-MM`` (Asia/Shanghai month, years 2000-2100) → the ``date`` of its first day."""

    default_error_messages = {"invalid": months.INVALID_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)  # "2026-12\n" is not a month
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        month = months.parse_month(data)
        if month is None:
            self.fail("invalid")
        return month

    def to_representation(self, value):
        return months.label(value)


@extend_schema_field(
    {
        "type": "string",
        "maxLength": phone.MAX_INPUT_LENGTH,
        "pattern": phone.INPUT_PATTERN,
        "example": "+86 138-1234-5678",
    }
)
class PhoneField(serializers.CharField):
    """A mainland mobile number as residents type it (spaces, dashes, brackets, ``+86`` or
    ``0086``, full-width digits) → the stored 11 digits. Blank passes when the field allows it
    (check-in as a volunteer needs no phone)."""

    default_error_messages = {"invalid_phone": phone.INVALID_MESSAGE}

    def __init__(self, **kwargs):
        # The raw length counts (normalize refuses more than MAX_INPUT_LENGTH characters), and
        # surrounding white space is a separator like any other.
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault(
            "help_text", _("中国大陆手机号，可带空格、短横线、+86 或 0086，可用全角数字")
        )
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "" and self.allow_blank:
            return value
        normalised = phone.normalize(value)
        if normalised is None:
            self.fail("invalid_phone")
        return normalised


@extend_schema_field(
    {
        "type": "string",
        "maxLength": phone.MAX_INPUT_LENGTH,
        # Blank, or a phone: the default "" must validate against the field's own schema. One
        # pattern rather than a oneOf of two: client generators read a oneOf as a union of types
        # and cannot build one from untyped parts (openapi-python-client dropped the operation).
        "pattern": f"^(?:{phone.INPUT_PATTERN[1:-1]})?$",
        "example": "+86 138-1234-5678",
    }
)
class OptionalPhoneField(PhoneField):
    """A PhoneField that may be left blank (``""``; the schema's pattern allows it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        kwargs.setdefault("default", "")
        super().__init__(**kwargs)


class DisplayField(serializers.CharField):
    """A choice's label (``source="get_status_display"``), for output.

    DRF resolves a callable source with ``inspect.signature`` on every row; a list of 50 orders
    spent more on that than on the rest of the row (issue 19). This calls it directly.
    """

    def get_attribute(self, instance):
        return getattr(instance, self.source)()


NOT_FOUND = "not_found"  # the error code of an id that matches nothing (IdField)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdField(serializers.PrimaryKeyRelatedField):
    """A reference to a row by its id, in a request body.

    A JSON integer from 1 up (anything else, a numeric string included, is a 400, as the schema
    says). A schema-valid id that matches no row of ``queryset`` (absent, inactive, or outside the
    caller's area when the queryset is narrowed) fails with the code ``not_found``: when that is
    the body's only fault the answer is a 404 naming the field (``core.api.exception_handler``),
    otherwise a 400 listing every field. The schema cannot know which ids exist, so a well-formed
    id is never "bad input", and "not found" is what the API says for an unknown id in a path.
    """

    default_error_messages = {
        "incorrect_type": _("应为不小于 1 的整数编号。"),
        "does_not_exist": _("编号为 {pk_value} 的对象不存在或不在您的管辖范围内。"),
    }

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int) or not 1 <= data <= MAX_ID:
            self.fail("incorrect_type", data_type=type(data).__name__)
        try:
            return self.get_queryset().get(pk=data)
        except self.get_queryset().model.DoesNotExist:
            message = self.error_messages["does_not_exist"].format(pk_value=data)
            raise serializers.ValidationError(message, code=NOT_FOUND) from None


# The year as written (before conversion to Asia/Shanghai): what the pattern can say.
BOUNDED_DATETIME_PATTERN = r"^(20[0-9]{2}|2100)-"


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        "pattern": BOUNDED_DATETIME_PATTERN,
        "example": "2026-12-05T09:00:00+08:00",
    }
)
class BoundedDateTimeField(serializers.DateTimeField):
    """An ISO 8601 date and time whose year, as written, is 2000-2100 (core.dates); the schema
    states the bound with a pattern, so a client (and the fuzzer) knows it before sending."""

    def to_internal_value(self, value):
        if isinstance(value, str) and not re.match(BOUNDED_DATETIME_PATTERN, value):
            message = dates.OUT_OF_RANGE_MESSAGE % dates.YEARS
            raise serializers.ValidationError(message, code="date_out_of_range")
        return super().to_internal_value(value)
