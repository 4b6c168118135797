"""Serializer fields for the input rules the apps share, each with the OpenAPI schema that
states exactly what it accepts (the fuzzer in CI generates from these)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core import months, phone


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
        # Blank, or a phone: the default "" must validate against the field's own schema.
        "oneOf": [{"maxLength": 0}, {"pattern": phone.INPUT_PATTERN}],
        "example": "+86 138-1234-5678",
    }
)
class OptionalPhoneField(PhoneField):
    """A PhoneField that may be left blank (``""``; the schema says so with a ``oneOf``)."""

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
