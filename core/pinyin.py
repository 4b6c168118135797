"""A searchable pinyin form of place names, so that a reader of the English pages who types
"sunbu" or "sbc" finds 孙埠村. Kept on the row (``Village.name_pinyin``) so a search stays one
query."""

from __future__ import annotations

import re

from pypinyin import lazy_pinyin

_NOT_LETTER = re.compile(r"[^a-z0-9]")


def search_key(name: str) -> str:
    """``"孙埠村"`` → ``"sunbucun sbc"``: the full syllables run together, then the initials.

    The space keeps a query from matching across the two forms."""
    syllables = [_NOT_LETTER.sub("", s.lower()) for s in lazy_pinyin(name)]
    syllables = [s for s in syllables if s]
    return f"{''.join(syllables)} {''.join(s[0] for s in syllables)}"


def normalize_query(query: str) -> str:
    """What a typed query is compared with: lower case, letters and digits only
    (``"Sun Bu"`` → ``"sunbu"``, ``"sun'bu"`` → ``"sunbu"``). Empty for a query in characters
    (``"新村00"`` is a name search, not pinyin)."""
    if not query.isascii():
        return ""
    return _NOT_LETTER.sub("", query.lower())


def ascii_name(text: str) -> str:
    """``"洪绪镇-团结村-2026-12.ics"`` → ``"hongxuzhen-tuanjiecun-2026-12.ics"``: a name for
    where only ASCII goes (the plain ``filename=`` of a download)."""
    latin = "".join(lazy_pinyin(text))
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in latin)
