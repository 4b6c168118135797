"""The schema generator: drf-spectacular's, plus the error responses every operation can give.

Each operation is documented with the errors it can actually return, all in the shared
``Error`` component, so that clients (and schemathesis in CI) can rely on the schema:

- 400 when it takes a body or query parameters (validation, bad filters);
- 401 always (a wrong or expired token is refused even on public endpoints);
- 403 when it checks a role, or changes something (CSRF with a session);
- 404 when the path has parameters, the list is paginated (a page past the end), or the body
  names rows by id (``core.fields.IdField``: a well-formed id that matches nothing);
- 429 when the view is rate-limited.

A view can add others (409 for a wrong state) with ``@extend_schema(responses={409: ...})`` or
by listing them in ``extra_error_codes``; explicitly documented codes are never overwritten.

Request bodies also say what the API refuses that a bare ``type: string`` would allow: a text
field never takes a NUL character (PostgreSQL cannot store one; DRF refuses it), and one that
DRF trims and may not leave blank needs a character other than white space. Query and path
strings say "no NUL" too (config/nul_bytes.py refuses one anywhere in a URL). Each such string
gets a ``pattern`` saying so (unless it has its own pattern, format or enum). A rule across
fields that JSON Schema can state (``volunteer`` or ``team``, not both) is declared on the
serializer as ``openapi_extra`` and merged into its component.
"""

import copy

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.plumbing import force_instance
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.permissions import AllowAny, IsAuthenticated

from core import phone
from core.api import ErrorSerializer
from core.errors import INVALID, InvalidTransition, error_body
from core.fields import IdField

ERROR_DESCRIPTIONS = {
    "400": _("输入有误：detail 是总的说明，fields 按字段列出错误。"),
    "401": _("未登录或令牌无效。"),
    "403": _("没有执行此操作的权限。"),
    "404": _("未找到，或不在调用者的管辖范围内（不区分两者）。"),
    "409": _("当前状态不允许此操作（可能已被他人处理）。"),
    "415": _("不支持请求体的格式（Content-Type）。"),
    "429": _("请求过于频繁，请稍后再试。"),
}

# The messages the API really sends (lazy: the docs show them in the language they are read in).
ERROR_EXAMPLES = {
    "400": error_body(INVALID, "invalid", {"phone": [phone.INVALID_MESSAGE]}),
    "401": error_body(exceptions.NotAuthenticated.default_detail, "not_authenticated"),
    "403": error_body(exceptions.PermissionDenied.default_detail, "permission_denied"),
    "404": error_body(exceptions.NotFound.default_detail, "not_found"),
    "409": error_body(InvalidTransition.default_message, "conflict"),
    "415": error_body(
        lazy(
            lambda: str(exceptions.UnsupportedMediaType.default_detail).format(
                media_type="application/json"
            ),
            str,
        )(),
        "unsupported_media_type",
    ),
    "429": error_body(exceptions.Throttled.default_detail, "throttled"),
}


# ECMA-262 and Python's re both read these (schemathesis generates from them in Python).
NO_NUL_PATTERN = r"^[^\u0000]*$"
NOT_BLANK_PATTERN = r"^[^\u0000]*[^\s\u0000][^\u0000]*$"


def error_response(code: int | str, example: dict | None = None) -> OpenApiResponse:
    """The documented error response for ``code``, for use in ``@extend_schema(responses=…)``;
    ``example`` replaces the generic example body."""
    code = str(code)
    return OpenApiResponse(
        ErrorSerializer,
        description=ERROR_DESCRIPTIONS.get(code, ""),
        examples=[
            OpenApiExample(
                f"error_{code}",
                value=example or ERROR_EXAMPLES.get(code, ERROR_EXAMPLES["400"]),
                response_only=True,
                status_codes=[code],
            )
        ],
    )


def action_schema(
    operation_id: str,
    summary,
    response,
    *,
    tags: list[str],
    request=None,
    example: dict | None = None,
    example_summary=None,
    description=None,
    parameters: list | None = None,
    errors: tuple[int, ...] = (400, 403, 404),
    conflict: OpenApiResponse | None = None,
):
    """The documentation of a state-changing action (``POST …/<id>/claim/`` and the like): the
    object as it now stands, the errors the action can answer, and 409 for a wrong state (with
    ``conflict``'s example where the app has one)."""
    responses = {200: response, **{code: error_response(code) for code in errors}}
    responses[409] = conflict or error_response(409)
    return extend_schema(
        operation_id=operation_id,
        tags=tags,
        summary=summary,
        description=description,
        parameters=parameters,
        request=request,
        responses=responses,
        examples=[
            OpenApiExample(
                operation_id.split("_", 1)[-1],
                summary=example_summary,
                value=example,
                request_only=True,
            )
        ]
        if example
        else None,
    )


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        # Query and path text never holds a NUL either (config/nul_bytes.py refuses it).
        for parameter in (operation or {}).get("parameters", []):
            schema = parameter.get("schema", {})
            if parameter["in"] in {"query", "path"} and schema.get("type") == "string":
                if not {"pattern", "format", "enum"} & schema.keys():
                    schema["pattern"] = NO_NUL_PATTERN
        return operation

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if direction == "request":
            properties = schema.get("properties", {})
            for name, field in serializer.fields.items():
                prop = properties.get(name)
                if (
                    not isinstance(field, serializers.CharField)
                    or field.read_only
                    or prop is None
                    or prop.get("type") != "string"
                    or {"pattern", "format", "enum", "oneOf"} & prop.keys()
                ):
                    continue
                blank_refused = field.trim_whitespace and not field.allow_blank
                prop["pattern"] = NOT_BLANK_PATTERN if blank_refused else NO_NUL_PATTERN
        extra = getattr(type(serializer), "openapi_extra", None)
        if extra:
            schema.update(copy.deepcopy(extra))
        return schema

    def _error_codes(self) -> list[str]:
        view = self.view
        codes = set()
        authenticators = getattr(view, "authentication_classes", [])
        if authenticators:
            codes.add("401")
        has_params = "{" in self.path
        has_body = self.method in {"POST", "PUT", "PATCH"}
        paginated = self._is_list_view() and self._get_paginator() is not None
        if has_body or paginated or self._get_filter_parameters():
            codes.add("400")
        permissions = getattr(view, "permission_classes", [])
        # AllowAny never refuses, IsAuthenticated refuses with 401; anything else may say 403,
        # and so may CSRF on a write made with a session.
        role_checked = any(p not in (AllowAny, IsAuthenticated) for p in permissions)
        if role_checked or (authenticators and (has_body or self.method == "DELETE")):
            codes.add("403")
        if has_params or paginated or self._references_rows():
            codes.add("404")
        if getattr(view, "throttle_classes", None):
            codes.add("429")
        codes.update(str(code) for code in getattr(view, "extra_error_codes", ()))
        return sorted(codes)

    def _references_rows(self) -> bool:
        """Whether the request body names rows by id (core.fields.IdField): an id that matches
        nothing is a 404."""
        if self.method not in {"POST", "PUT", "PATCH"}:
            return False
        serializer = force_instance(self.get_request_serializer())
        if not isinstance(serializer, serializers.Serializer):
            return False
        return any(isinstance(field, IdField) for field in serializer.fields.values())

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        # An error declared without a body (``OpenApiResponse(description=…)`` or ``None``) still
        # has the one error shape: fill it in, keeping the declared description and examples.
        declared = self.get_response_serializers()
        if isinstance(declared, dict):
            for key, value in declared.items():
                code = str(key[0] if isinstance(key, tuple) else key)
                if not code.startswith(("4", "5")):
                    continue
                if isinstance(value, OpenApiResponse) and value.response is None:
                    described = error_response(code)
                    described.description = value.description or described.description
                    described.examples = value.examples or described.examples
                elif value is None:
                    described = error_response(code)
                else:
                    continue
                responses[code] = self._get_response_for_code(described, code, direction=direction)
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    error_response(code), code, direction=direction
                )
        return responses
