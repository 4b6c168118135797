"""What the viewsets of the volunteers API share: login required, numeric ids in paths, and
the rows the caller may see, asked of one selector (``visible``). Anything outside the caller's
area is a 404, never a 403 (``volunteers.selectors``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from drf_spectacular.utils import OpenApiExample
from rest_framework.permissions import IsAuthenticated

# Service records, certificates, points, rewards and redemptions: one group in the docs.
HOURS_TAGS = ["hours"]


# No docstring: drf-spectacular would publish an inherited one as each operation's description.
class ScopedViewSetMixin:
    # Login required and /<digits>/ as the detail path. A viewset of rows that one selector
    # scopes names it in ``visible`` (``staticmethod(selectors.records_visible)``); the others
    # write their own ``get_queryset``.

    permission_classes = [IsAuthenticated]
    lookup_value_regex = "[0-9]+"
    visible: ClassVar[Callable]

    def get_queryset(self):
        return self.visible(self.request.user)


def example(name: str, value: dict, *, request: bool = False, code: str = "200") -> OpenApiExample:
    """A documented body: a request's, or the response's for ``code``."""
    if request:
        return OpenApiExample(name, value=value, request_only=True)
    return OpenApiExample(name, value=value, response_only=True, status_codes=[code])
