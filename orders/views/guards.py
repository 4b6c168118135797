"""Helpers shared by the order pages: a service call as a message, and the page size."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404

from core.errors import DomainError, InvalidInput, NotInScope, PermissionDenied

PAGE_SIZE = 50


def scoped(call):
    """Call ``call``; out of sight becomes 404 and not one's role 403, as in the API
    (``orders.access``)."""
    try:
        return call()
    except NotInScope:
        raise Http404 from None
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc.message)) from None


def run_service(request, action, success: str) -> bool:
    """Call a service; turn domain errors into a message (or a 404 / 403). True on success.

    A wrong state (409 in the API) is a message on the page the user is sent back to."""
    try:
        scoped(action)
    except InvalidInput as exc:
        details = [m for msgs in exc.fields.values() for m in msgs]
        messages.error(request, " ".join([str(exc.message), *details]))
        return False
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    messages.success(request, success)
    return True
