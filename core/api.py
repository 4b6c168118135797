"""API conventions shared by every app: pagination and one error shape.

Every error body is ``{"detail": str, "code": str, "fields": {name: [messages]}}``, in the
language the request asked for (Chinese by default, English with ``Accept-Language: en``).
That holds for DRF's own errors (401/403/404/405/429/400), for Django's ``ValidationError``,
``Http404`` and ``PermissionDenied`` raised from a service, for ``core.errors.DomainError``
and for URLs under /api/ that match no route at all.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from core import retry
from core.errors import INVALID, DomainError, error_body


class Pagination(PageNumberPagination):
    """``?page=N&page_size=M``: 50 a page by default, never more than 200 (a kiosk cannot
    ask the server for a whole city's orders in one response)."""

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        check_single(request.query_params, self.page_query_param)
        if request.query_params.get(self.page_query_param) == "":
            # DRF reads ?page= as the first page; the schema says an integer.
            raise exceptions.ValidationError({self.page_query_param: [PAGE_BLANK]})
        return super().get_page_number(request, paginator)

    def get_page_size(self, request):
        # DRF falls back to the default for a bad or repeated page_size; the schema says an
        # integer of at least 1, once, so anything else is refused (a client asking for 10 and
        # silently getting 50 would not notice).
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        check_single(request.query_params, self.page_size_query_param)
        value = values[0]
        if not (value.isascii() and value.isdigit()) or int(value) < 1:
            raise exceptions.ValidationError({self.page_size_query_param: [PAGE_SIZE_INVALID]})
        return min(int(value), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            # Larger page sizes are accepted and capped at max_page_size, so no maximum.
            parameter["schema"]["minimum"] = 1  # page too (0 would be a 404, not a page)
        return parameters


PAGE_SIZE_INVALID = gettext_lazy("每页数量应为不小于 1 的整数。")
PAGE_BLANK = gettext_lazy("该参数不能为空。")
REPEATED = gettext_lazy("该参数只能出现一次。")


class PostBudgetThrottle(BaseThrottle):
    """A public POST spends the same budget as the page that does the same (the app's own
    rate-limit rule); other methods pass. Subclasses answer how long the request must wait."""

    wait_seconds: int | None = None

    def budget_wait(self, request) -> int | None:
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        if request.method != "POST":
            return True
        self.wait_seconds = self.budget_wait(request)
        return self.wait_seconds is None

    def wait(self):
        return self.wait_seconds


class PostBudgetThrottledMixin:
    """For a view with a ``PostBudgetThrottle``: its 429 says how many minutes to wait, in the
    words of the page that spends the same budget (``core.retry``)."""

    def throttled(self, request, wait):
        raise exceptions.Throttled(wait, detail=retry.message(wait, retry.SUBMIT))


def check_single(query, *names: str) -> None:
    """Refuse a query parameter given more than once (only the last would be read)."""
    errors = {name: [REPEATED] for name in names if len(query.getlist(name)) > 1}
    if errors:
        raise exceptions.ValidationError(errors)


class QuerySerializer(serializers.Serializer):
    """Validates ``request.query_params``: each declared parameter at most once, and an empty
    value is refused like any other bad value (DRF reads ``?month=`` from a query string as if
    the parameter were absent, so the default would silently apply)."""

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            check_single(data, *self.fields)
            data = {name: data[name] for name in data if name in self.fields}
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    """所有错误的统一格式 (the one error shape of the API)。"""

    detail = serializers.CharField(help_text=gettext_lazy("给人看的错误说明（按请求语言）。"))
    code = serializers.CharField(
        help_text=gettext_lazy(
            "机器可读的错误代码，如 invalid、not_authenticated、permission_denied、not_found、"
            "conflict、throttled。"
        )
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=gettext_lazy("按字段列出的错误信息；与字段无关的错误在 non_field_errors 下。"),
    )


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [msg for value in detail.values() for msg in _flatten(value)]
    if isinstance(detail, list):
        return [msg for value in detail for msg in _flatten(value)]
    return [str(detail)]


def _only_not_found(codes) -> bool:
    if not isinstance(codes, dict) or not codes:
        return False
    leaves = _flatten(codes)
    return bool(leaves) and all(code == "not_found" for code in leaves)


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    return {}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = error_body(str(exc.message), exc.code, _fields(exc.fields))
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError) and _only_not_found(exc.get_codes()):
        # Well-formed ids that match nothing (core.fields.IdField), and nothing else wrong.
        fields = _fields(exc.detail)
        detail = next(iter(fields.values()))[0]
        response.data = error_body(detail, "not_found", fields)
        response.status_code = status.HTTP_404_NOT_FOUND
    elif isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        non_field = fields.pop("non_field_errors", [])
        if isinstance(exc.detail, list):
            non_field = _flatten(exc.detail)
        detail = non_field[0] if non_field else str(INVALID)
        response.data = error_body(detail, "invalid", fields)
        if non_field:
            response.data["fields"]["non_field_errors"] = non_field
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = error_body(str(detail), str(code))
    return response


@csrf_exempt  # a POST to an unknown URL is a 404, not an HTML CSRF failure: nothing changes here
def not_found(request, *args, **kwargs):
    """Any /api/ URL that matches no route: a 404 in the error shape, not Django's HTML page."""
    body = error_body(str(exceptions.NotFound.default_detail), "not_found")
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
