"""Reading a page's query string or form: an id, or nothing."""

from __future__ import annotations

from core.filters import MAX_ID


def id_or_none(value) -> int | None:
    """``value`` as a row id (a whole number from 1 to ``MAX_ID``), or None when it is absent or
    not one: a page given ``?town=abc`` filters nothing rather than failing."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= MAX_ID else None


def is_digits(value: str) -> bool:
    """ASCII digits only. ``str.isdigit`` also says yes to ``²`` (which ``int`` then refuses: a
    500) and to other scripts' digits (which ``int`` reads as numbers nobody typed)."""
    return value.isascii() and value.isdigit()
