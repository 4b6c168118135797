"""The two formats of GeoReport v2: XML (required by the specification) and JSON, the latter a
mapping of the former by the Spark convention (a list of elements becomes an array).

Views build one Python value (dicts, lists, strings, numbers, booleans, ``None``) and this
module writes it either way: a list becomes a parent element with one child per item, named
by ``ITEM_TAGS``; ``None`` an empty element (``null`` in JSON); booleans ``true``/``false``.
"""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# The element of each item of a list, by the list's element (the specification's names).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ET.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> bytes:
    """``<?xml version="1.0" encoding="utf-8"?>`` then ``<root>`` holding ``value``."""
    element = ET.Element(root)
    _fill(element, value)
    # Written by hand: ElementTree's own declaration uses single quotes.
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """``value`` as ``fmt`` (``json`` or ``xml``), the root element named ``root``."""
    if fmt == "xml":
        body = to_xml(root, value)
    else:
        body = json.dumps(value, ensure_ascii=False).encode()
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The specification's error format: a list of ``{code, description}``, one per problem."""
    value = [{"code": status, "description": str(text)} for text in descriptions]
    return respond(fmt, "errors", value, status=status)
