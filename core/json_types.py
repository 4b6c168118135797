"""JSON request bodies keep their JSON types: the API refuses what its schema forbids.

DRF's fields coerce: ``CharField`` takes ``0`` as ``"0"``, ``IntegerField`` takes ``"5"`` and
``5.0``, ``BooleanField`` takes ``"yes"`` and ``1``, ``DecimalField`` takes a JSON number. The
schema says ``type: string`` / ``integer`` / ``boolean`` (and a decimal is a string), so a
client following it never sends those, and schemathesis flagged each coercion as "a request the
schema forbids was accepted". In a JSON body (the only kind the API parses besides a photo's
multipart form) each of these fields takes only its own JSON type; query strings, forms and
multipart parts are all text and keep DRF's parsing.

Installed once for every serializer (``config.apps``), because the rule belongs to the API as a
whole: a per-field subclass would have to be remembered in every serializer, including the
ones not written yet.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

WRONG_TYPE = {
    serializers.CharField: (str, _("应为字符串。")),
    serializers.DecimalField: (str, _('应为字符串形式的数字，例如 "2.5"。')),
    serializers.IntegerField: (int, _("应为整数。")),
    serializers.BooleanField: (bool, _("应为 true 或 false。")),
}


def _from_json(field) -> bool:
    data = getattr(field.root, "initial_data", None)
    # A JSON body parses to dicts and lists; query strings and forms to a QueryDict.
    return isinstance(data, dict | list) and not hasattr(data, "getlist")


def _strict(cls, expected: type, message):
    parse = cls.to_internal_value

    def to_internal_value(self, data):
        wrong = not isinstance(data, expected) or (expected is int and isinstance(data, bool))
        if wrong and _from_json(self):
            raise serializers.ValidationError(message, code="invalid_type")
        return parse(self, data)

    to_internal_value.__wrapped__ = parse
    return to_internal_value


def install() -> None:
    for cls, (expected, message) in WRONG_TYPE.items():
        if not hasattr(cls.to_internal_value, "__wrapped__"):
            cls.to_internal_value = _strict(cls, expected, message)
