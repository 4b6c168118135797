"""Responses served from stored bytes, with ``ETag`` and ``Last-Modified`` (304 when unchanged).

What a published calendar or the practice menu says changes a few times a month, while calendar
apps poll feeds all day and every resident's phone opens the menu: so those answers are built
once, kept as bytes (with a validator that is cheap to compute without them), and each request
either gets a 304 or the stored bytes, with no serialisation on the way.

Two places to keep bytes: ``LocalBlobs``, an in-process LRU for what never changes once written
(a calendar version, by id), and Django's cache (Redis in production, shared by every worker)
for what derives from changing data, under keys that carry a generation token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date


def etag_for(*parts: object) -> str:
    """A strong ETag (quoted) from whatever identifies the content: a hash, ids, versions."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f'"{digest[:32]}"'


def not_modified(
    request: HttpRequest, *, etag: str, last_modified: dt.datetime | None = None
) -> HttpResponse | None:
    """A 304 when the client's ``If-None-Match`` / ``If-Modified-Since`` still hold, else None.
    Call before loading the bytes: the point is not to."""
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is not None:
        _validators(response, etag, last_modified)
    return response


def bytes_response(
    body: bytes,
    *,
    content_type: str,
    etag: str,
    last_modified: dt.datetime | None = None,
    cache_control: str = "public, max-age=300",
) -> HttpResponse:
    """The stored bytes as a 200, with the validators a client sends back next time."""
    response = HttpResponse(body, content_type=content_type)
    _validators(response, etag, last_modified)
    response["Cache-Control"] = cache_control
    return response


def _validators(response: HttpResponse, etag: str, last_modified: dt.datetime | None) -> None:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())


class LocalBlobs:
    """A small per-process LRU of immutable values (a calendar version's bytes, by id).

    Only for content that never changes under its key: nothing here is ever invalidated.
    """

    def __init__(self, size: int = 16):
        self.size = size
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = load()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
