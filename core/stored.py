"""Responses served from stored bytes, with ``ETag`` and ``Last-Modified`` (304 when unchanged).

What a published calendar or the practice menu says changes a few times a month, while calendar
apps poll feeds all day and every resident's phone opens the menu: so those answers are built
once, kept as bytes (with a validator that is cheap to compute without them), and each request
either gets a 304 or the stored bytes, with no serialisation on the way.

A client that sends ``Accept-Encoding: gzip`` gets the bytes gzipped (a month's calendar JSON
is ≈ 750 KB, an eighth of that gzipped), compressed once per process and kept beside the plain
ones; the gzipped representation has an ETag of its own (``"…-gzip"``, as a strong validator
must differ between representations) and every such answer says ``Vary: Accept-Encoding``.

Two places to keep bytes: ``LocalBlobs``, an in-process LRU for what never changes once written
(a calendar version, by id), and Django's cache (Redis in production, shared by every worker)
for what derives from changing data, under keys that carry a generation token.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date
from django.utils.translation import get_language


def etag_for(*parts: object) -> str:
    """A strong ETag (quoted) from whatever identifies the content: a hash, ids, versions."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f'"{digest[:32]}"'


def not_modified(
    request: HttpRequest,
    *,
    etag: str,
    last_modified: dt.datetime | None = None,
    compressible: bool = False,
) -> HttpResponse | None:
    """A 304 when the client's ``If-None-Match`` / ``If-Modified-Since`` still hold, else None.
    Call before loading the bytes: the point is not to. ``compressible``: the 200 would be
    ``bytes_response(…, request=request)``, whose gzipped representation has its own ETag."""
    gzipped = compressible and wants_gzip(request)
    etag = representation_etag(etag, gzipped=gzipped)
    stamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=stamp)
    if response is not None:
        _validators(response, etag, last_modified)
        if compressible:
            patch_vary_headers(response, ("Accept-Encoding",))
    return response


def bytes_response(
    body: bytes,
    *,
    content_type: str,
    etag: str,
    last_modified: dt.datetime | None = None,
    cache_control: str = "public, max-age=300",
    request: HttpRequest | None = None,
) -> HttpResponse:
    """The stored bytes as a 200, with the validators a client sends back next time. With
    ``request``, gzipped when the client accepts it (the gzip kept per process by ``etag``,
    which must name the content exactly, as it does for a validator)."""
    gzipped = request is not None and wants_gzip(request)
    if gzipped:
        plain = body
        body = _GZIPPED.get(etag, lambda: gzip.compress(plain, compresslevel=6, mtime=0))
    response = HttpResponse(body, content_type=content_type)
    _validators(response, representation_etag(etag, gzipped=gzipped), last_modified)
    response["Cache-Control"] = cache_control
    if request is not None:
        if gzipped:
            response["Content-Encoding"] = "gzip"
        patch_vary_headers(response, ("Accept-Encoding",))
    return response


_ACCEPTS_GZIP = re.compile(r"\bgzip\b")  # as Django's GZipMiddleware reads the header


def wants_gzip(request: HttpRequest) -> bool:
    return bool(_ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def representation_etag(etag: str, *, gzipped: bool) -> str:
    """The gzipped bytes' own strong ETag: ``"abc"`` → ``"abc-gzip"``."""
    return f'{etag[:-1]}-gzip"' if gzipped else etag


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

    def peek(self, key: Any) -> Any:
        """The value under ``key``, or None (with ``put``: for a value only sometimes kept)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Any, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def get(self, key: Any, load: Callable[[], Any]) -> Any:
        value = self.peek(key)
        if value is None:
            value = load()
            self.put(key, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Gzipped bodies by the plain bytes' ETag (a calendar month's JSON and .ics, a feed): the
# months served at once, with their filtered variants.
_GZIPPED = LocalBlobs(size=48)


@dataclass(frozen=True)
class Answer:
    """A 200 kept whole: its bytes and what the headers say about them."""

    body: bytes
    content_type: str
    etag: str
    last_modified: dt.datetime | None = None
    cache_control: str = "public, max-age=300"
    headers: tuple[tuple[str, str], ...] = ()


# Whole answers by what they show (generation tokens, the area asked for): a calendar app's
# poll or a phone's month page is then a dictionary lookup, with no query at all.
_ANSWERS = LocalBlobs(size=256)


def kept_answer(
    request: HttpRequest, key: tuple, build: Callable[[], Answer | HttpResponse]
) -> HttpResponse:
    """The answer this process keeps under ``key``, else ``build()``'s, kept for next time.

    ``key`` must name everything the answer says: the generation tokens of its data
    (``core.generations``) and the parameters that choose it; the language, scheme and host
    are added here. ``build`` may return a response instead (a 400 for an unknown village): it
    is sent as it is and nothing is kept. Validators and gzip as ``bytes_response``."""
    key = (*key, get_language(), request.scheme, request.get_host())
    kept = _ANSWERS.peek(key)
    if kept is None:
        built = build()
        if isinstance(built, HttpResponse):
            return built
        kept = built
        _ANSWERS.put(key, kept)
    unchanged = not_modified(
        request, etag=kept.etag, last_modified=kept.last_modified, compressible=True
    )
    if unchanged is not None:
        return unchanged
    response = bytes_response(
        kept.body,
        content_type=kept.content_type,
        etag=kept.etag,
        last_modified=kept.last_modified,
        cache_control=kept.cache_control,
        request=request,
    )
    for name, value in kept.headers:
        response[name] = value
    return response
