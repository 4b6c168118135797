"""Public pages rendered once per process for anonymous visitors, with a fresh CSRF token each.

The public pages (home, the order form, the calendar's month) read as the same HTML for every
visitor without a login: what differs per request is only the CSRF token in their forms.
Rendering ``base.html`` and a form costs more than the whole empty view (issue 19: the order
form took ≈ 25 ms of Python for 2 queries), so each page is rendered once per key with a
placeholder where the token goes, kept as bytes in a per-process LRU, and each request gets
the bytes with its own masked token (``get_token``, which also has the middleware set the
CSRF cookie, as rendering ``{% csrf_token %}`` does).

A key must name everything the page shows besides the token: the caller passes the versions of
its data (a generation token, a published calendar's id and hash, the figures themselves);
the language, scheme, host and full path are added here. Nothing is ever invalidated: a change
makes a new key, and the LRU drops the old one.

Visitors with a session (a login, or messages kept in it) or with messages in their cookie get
the page rendered as before: their page shows their name, their bell or their message.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

# Random per process, so no page text can ever contain it by chance; the CSRF tag renders any
# non-empty string it is given as the input's value.
_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"
_PLACEHOLDER_BYTES = _PLACEHOLDER.encode()
SIZE = 512  # pages per process (a few KB each; the city's calendar page ≈ 32 KB)

_pages: OrderedDict[tuple, bytes] = OrderedDict()
_lock = threading.Lock()


def shared_by_visitors(request: HttpRequest) -> bool:
    """Whether the page is the one every anonymous visitor sees: no session cookie (no login,
    no messages kept in the session) and no messages cookie."""
    cookies = request.COOKIES
    return not cookies.get(settings.SESSION_COOKIE_NAME) and not cookies.get(
        getattr(settings, "MESSAGES_COOKIE_NAME", "messages")
    )


def render_shared(
    request: HttpRequest,
    template: str,
    key: tuple[Hashable, ...],
    context: Callable[[], dict | HttpResponse],
    *,
    status: int = 200,
) -> HttpResponse:
    """``render(request, template, context())``, from this process's stored bytes when the
    visitor is anonymous and the page was rendered under ``key`` before.

    ``context`` may return a response instead (a 400 for a bad filter): it is sent as it is
    and nothing is stored.
    """
    if not shared_by_visitors(request):
        built = context()
        if isinstance(built, HttpResponse):
            return built
        return render(request, template, built, status=status)
    full_key = (
        template,
        get_language(),
        request.scheme,
        request.get_host(),
        request.get_full_path(),
        *key,
    )
    with _lock:
        body = _pages.get(full_key)
        if body is not None:
            _pages.move_to_end(full_key)
    if body is None:
        built = context()
        if isinstance(built, HttpResponse):
            return built
        body = render_to_string(
            template, {**built, "csrf_token": _PLACEHOLDER}, request=request
        ).encode()
        with _lock:
            _pages[full_key] = body
            while len(_pages) > SIZE:
                _pages.popitem(last=False)
    body = body.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    return HttpResponse(body, status=status)


def clear() -> None:
    with _lock:
        _pages.clear()
