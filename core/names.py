"""Names kept in two languages by staff (the menu's categories, platforms and services).

These are data, not interface strings: staff type the Chinese name and, optionally, an English
one in the admin. Every page, report and API answer shows ``in_language(name, name_en)``: the
English name when the reader's language is English and one is kept, else the Chinese (a
missing translation falls back, it never shows an empty name).
"""

from __future__ import annotations

from django.utils.translation import get_language


def english() -> bool:
    return (get_language() or "").startswith("en")


def in_language(name: str, name_en: str | None) -> str:
    return name_en if name_en and english() else name
