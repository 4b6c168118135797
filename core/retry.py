"""Telling people to wait: what a rate limit answers on a page and in the API.

The budget itself is each app's (``orders.ratelimit``, DRF throttles); how long to wait is said
the same way everywhere: in whole minutes, rounded up, at least one, with ``Retry-After`` in
seconds for programs.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

SUBMIT = _("提交太频繁了，请 %(minutes)d 分钟后再试。")
ACTION = _("操作太频繁了，请 %(minutes)d 分钟后再试。")
# When the wait is unknown (a throttle that cannot say), a minute.
DEFAULT_SECONDS = 60


def minutes(seconds: float | None) -> int:
    """A wait in seconds as whole minutes for people: rounded up, at least one."""
    return max(1, (int(seconds or DEFAULT_SECONDS) + 59) // 60)


def message(seconds: float | None, text=ACTION) -> str:
    """``text`` (with ``%(minutes)d``) for a wait of ``seconds``."""
    return str(text) % {"minutes": minutes(seconds)}


def page(request, template: str, context: dict, seconds: int, text=ACTION) -> HttpResponse:
    """The page again, answering 429: ``throttled`` in its context says how long to wait."""
    context["throttled"] = message(seconds, text)
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(seconds)
    return response
