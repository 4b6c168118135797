"""The one ``Content-Disposition`` every download and inline file uses (calendars, report
tables, posters, certificates, a resident's data export).

A name in Chinese needs both forms: the plain ``filename=`` in ASCII for old clients (the
WeChat browser on older Android among them) and the real name in UTF-8 as ``filename*``
(RFC 6266 / RFC 5987), which every current browser prefers.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from core import pinyin

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def content_disposition(
    filename: str, *, ascii_name: str = "", disposition: str = "attachment"
) -> str:
    """``团结村-2026-12.ics`` → ``attachment; filename="tuanjiecun-2026-12.ics";
    filename*=UTF-8''%E5%9B%A2…``. ``ascii_name`` replaces the pinyin fallback where a clearer
    ASCII name exists (``orders-category-city-2026-10.csv``)."""
    if disposition not in ("attachment", "inline"):
        raise ValueError(disposition)
    fallback = _UNSAFE.sub("_", ascii_name or pinyin.ascii_name(filename)) or "download"
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
