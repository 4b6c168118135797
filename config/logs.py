"""Logs: one JSON object per line in production, a request id on every line, and no personal
data or secrets in any line.

- ``RequestLogMiddleware`` (near the top of MIDDLEWARE) takes the client's ``X-Request-ID`` when
  it is a plain token (else makes one), echoes it in the response, and writes one line per request
  to the ``wenming.request`` logger: method, path, status, duration, user id.
- ``ContextFilter`` adds the request id, user id and path to every record logged while the
  request (or a Celery task: its task id) runs, so a warning deep in a service can be found
  with the request that caused it.
- ``redact`` runs over every formatted line (both formatters, gunicorn's access log too):
  mobile phone numbers, order tracking tokens in paths, the kiosk's check-in code (``?t=``),
  API tokens (40 hex digits) and SMS verification codes are replaced by a placeholder.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from core import phone

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None
)
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)
path_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("path", default=None)

_REDACTIONS = [
    # Order tracking links: /orders/t/<token>/, /api/orders/track/<token>/ (orders.converters).
    (re.compile(r"(/orders/(?:t|track)/)[A-Za-z0-9_-]{8,}"), r"\1[token]"),
    # One-time set-password links: /accounts/reset/<uid>/<token>/ (Django's reset token).
    (re.compile(r"(/accounts/reset/[^/\s]+/)[0-9a-z]+-[0-9a-f]+"), r"\1[token]"),
    # The kiosk's rotating resident check-in code and any token-ish query parameter.
    (re.compile(r"([?&](?:t|token|code)=)[^&\s\"']+"), r"\1[redacted]"),
    # DRF tokens (Authorization: Token <40 hex>) wherever they appear.
    (re.compile(r"(?<![0-9a-fA-F])[0-9a-f]{40}(?![0-9a-fA-F])"), "[token]"),
    # SMS verification codes in message texts.
    (re.compile(r"(验证码\D{0,8})\d{4,8}"), r"\1[code]"),
    # Mainland mobile numbers, with or without +86/0086 and separators.
    (phone.MOBILE_IN_TEXT, "[phone]"),
]

# What a client may send as X-Request-ID: a plain token, so logs cannot be forged with newlines.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def redact(text: str) -> str:
    for pattern, replacement in _REDACTIONS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if not hasattr(record, "user_id"):
            record.user_id = user_id_var.get()
        if not hasattr(record, "path"):
            record.path = path_var.get()
        return True


class PlainFormatter(logging.Formatter):
    """Development: the usual one-line text, redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """Production: one JSON object per line (``timestamp``, ``level``, ``logger``, ``message``,
    ``request_id``, ``user_id``, ``path``, and ``status``/``duration_ms``/``method`` on request
    lines, ``exception`` when there is one)."""

    EXTRA = ("method", "status", "duration_ms", "task", "task_id")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
            "path": getattr(record, "path", None),
        }
        for name in self.EXTRA:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return redact(json.dumps(entry, ensure_ascii=False, default=str))


request_logger = logging.getLogger("wenming.request")


def _user_id(request) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = [
            request_id_var.set(request_id),
            path_var.set(request.path),
            user_id_var.set(None),
        ]
        try:
            response = self.get_response(request)
            user_id = _user_id(request)
            user_id_var.set(user_id)
            response["X-Request-ID"] = request_id
            status = response.status_code
            level = logging.ERROR if status >= 500 else logging.INFO
            request_logger.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user_id,
                },
            )
            return response
        finally:
            for var, token in zip((request_id_var, path_var, user_id_var), tokens, strict=True):
                var.reset(token)


def bind_task(task_id: str | None) -> None:
    """A Celery task's lines carry its id where a request's carry the request id."""
    request_id_var.set(task_id)
    user_id_var.set(None)
    path_var.set(None)
