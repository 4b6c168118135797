"""One source for every absolute URL (QR codes, calendar feeds and their events, SMS and e-mail
links, webhooks, certificates).

``WENMING_SITE_URL`` when it is set; otherwise, inside a request, the request's own scheme and
host (so a page, its QR codes and its subscribe link agree on whatever address the visitor
used); outside a request (a Celery task, a management command) there is no host to ask, so
production needs ``WENMING_SITE_URL`` (``manage.py check --deploy`` says so, and a worker
refuses to start without it) and development falls back to ``SITE_URL_FALLBACK``, the dev
server's address.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

MISSING = (
    "WENMING_SITE_URL is not set: links built outside a request (QR codes, calendar feeds, "
    "SMS and e-mail links, webhooks) need the public address, e.g. https://wenming.example.cn."
)


def site_url(request: HttpRequest | None = None) -> str:
    """The public base URL, without a trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    if settings.SITE_URL_FALLBACK:
        return settings.SITE_URL_FALLBACK
    raise ImproperlyConfigured(MISSING)


def absolute_url(path: str, request: HttpRequest | None = None) -> str:
    """``path`` (``/events/1/``) as an absolute URL; an absolute ``path`` is returned as is."""
    if path.startswith(("http://", "https://")):
        return path
    return site_url(request) + path
