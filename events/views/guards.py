"""Checks shared by the events pages: a well-formed month, an admin login (else 404)."""

from __future__ import annotations

from django.http import Http404, HttpResponseNotFound
from django.utils.translation import gettext as _

from core import months
from core.months import parse_month
from stations.scope import scope_for


def month_or_404(value: str, *, text: bool = False):
    month = parse_month(value)
    if month is None:
        message = months.INVALID_MESSAGE
        if text:
            return None, HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")
        raise Http404(message)
    return month, None


def require_admin(request):
    if not scope_for(request.user).is_admin:
        raise Http404(_("未找到。"))
