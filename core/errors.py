"""Domain errors shared by every app, and the one shape of an API error body.

Services raise these; pages turn them into a message, the API into a status code
(see ``core.api.exception_handler``): bad input → 400, out of scope → 404, wrong state → 409.
"""

from django.utils.translation import gettext_lazy as _

# The detail of a 400 whose messages are per field.
INVALID = _("输入有误，请检查标出的字段。")


def error_body(detail, code: str = "invalid", fields: dict | None = None) -> dict:
    """Every API error body, and every documented example of one:
    ``{"detail": str, "code": str, "fields": {name: [messages]}}``.

    ``detail`` and the messages may be lazy strings (schema examples render them in the
    reader's language); the exception handler passes plain ones.
    """
    return {"detail": detail, "code": code, "fields": fields if fields is not None else {}}


class DomainError(Exception):
    """A rule of the domain refused the request. The message is shown to the user."""

    status_code = 400
    code = "invalid"
    default_message = _("请求无法完成。")

    def __init__(self, message=None, *, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid"
    default_message = _("输入有误，请检查后重试。")


class NotInScope(DomainError):
    """The object is outside the caller's area. Reported as "not found" so it does not leak."""

    status_code = 404
    code = "not_found"
    default_message = _("未找到。")


class PermissionDenied(DomainError):
    status_code = 403
    code = "permission_denied"
    default_message = _("您没有执行此操作的权限。")


class InvalidTransition(DomainError):
    """The object is not in a state that allows this action (someone else may have acted first)."""

    status_code = 409
    code = "conflict"
    default_message = _("当前状态不允许此操作。")
