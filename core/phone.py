"""Mainland China mobile numbers: what residents may type, the stored form, masking (PIPL).

Residents type numbers in every shape: with spaces, dashes or brackets, with a ``+86`` or
``0086`` prefix, with full-width digits from a Chinese keyboard (``１３８…``). Every form,
order and check-in accepts the same shapes and stores the bare 11 ASCII digits.

``INPUT_PATTERN`` is that rule as one regular expression (ECMA-262 and Python alike), so the
OpenAPI schema states exactly what the API accepts; ``normalize`` applies the same rule.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The stored form: 11 ASCII digits, 13x-19x.
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Characters residents put around and between digits: white space (also the ideographic space;
# a pasted number may end in a newline), dashes and brackets, half- and full-width; at most
# MAX_RUN of them in a row ("(+86) 138…" has two), which also bounds the input's length.
SEPARATORS = " \t\r\n\u3000-\uff0d()\uff08\uff09"
MAX_RUN = 2
# Full-width digits and plus become ASCII ones.
_WIDTH = str.maketrans({chr(0xFF10 + i): str(i) for i in range(10)} | {"\uff0b": "+"})
_STRIP = str.maketrans(dict.fromkeys(SEPARATORS))

INVALID_MESSAGE = _("请输入11位中国大陆手机号，例如 13812345678。")


def _input_pattern() -> str:
    # \uXXXX escapes read the same in ECMA-262 and Python.
    sep = "[" + "".join(f"\\u{ord(c):04x}" for c in SEPARATORS) + f"]{{0,{MAX_RUN}}}"

    def char(c: str) -> str:
        if c == "+":
            return "[+\\uff0b]"
        return f"[{c}\\u{0xFF10 + int(c):04x}]"

    def digits(spec: str) -> str:
        return "".join(char(c) + sep for c in spec)

    any_digit = "[0-9\\uff10-\\uff19]"
    second = "[3-9\\uff13-\\uff19]"
    prefix = f"(?:{digits('+86')}|{digits('0086')})?"
    return f"^{sep}{prefix}{char('1')}{sep}{second}{sep}(?:{any_digit}{sep}){{9}}$"


# What the API and the forms accept, stated once: the schema publishes this pattern and
# normalize() applies it (fullmatch: Python's ``$`` would also take a final newline).
INPUT_PATTERN = _input_pattern()
_INPUT_RE = re.compile(INPUT_PATTERN)
# The longest input the pattern takes: "0086" and 11 digits, each after a run of separators.
MAX_INPUT_LENGTH = 4 + 11 + (1 + 4 + 11) * MAX_RUN


def normalize(raw: object) -> str | None:
    """The stored form (``"13812345678"``) of what a resident typed, or None when it is not a
    mainland mobile number in one of the accepted shapes (``INPUT_PATTERN``)."""
    if not isinstance(raw, str) or len(raw) > MAX_INPUT_LENGTH:  # JSON bodies carry anything
        return None
    if not _INPUT_RE.fullmatch(raw):
        return None
    value = raw.translate(_WIDTH).translate(_STRIP)
    value = value.removeprefix("+86") if value.startswith("+86") else value.removeprefix("0086")
    return value if MOBILE_RE.fullmatch(value) else None


def is_valid(raw: object) -> bool:
    return normalize(raw) is not None


def clean(raw: object) -> str:
    """The stored form, or a ValidationError with a message residents understand."""
    value = normalize(raw)
    if value is None:
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return value


def mask(value: str) -> str:
    """What most people may see of a phone (PIPL): ``13812341234`` → ``138****1234``; no phone
    → ``""``; anything too short to mask safely → ``****``."""
    if not value:
        return ""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else "****"


# A mainland mobile number inside a longer text (a log line, a URL): with or without +86/0086
# and the spaces or dashes people type, never part of a longer run of digits.
MOBILE_IN_TEXT = re.compile(
    r"(?<![0-9])(?:(?:\+|00)?86[\s-]?)?1[3-9][0-9](?:[\s-]?[0-9]){8}(?![0-9])"
)


# Digits as residents write them in free text: ASCII, full-width, and the Chinese numerals people
# use to slip a number past a filter (幺 is how a "1" is read out on the phone).
_TEXT_DIGITS = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | dict(zip("零〇一幺二两三四五六七八九", "0011223456789", strict=True))
)
# A run of at least 7 digits (a landline without its area code is 7), allowing up to two
# separators (space, dash, dot, bracket, slash) between any two of them.
_NUMBER_IN_TEXT = re.compile(r"[0-9](?:[\s\-.·()（）/_—－]{0,2}[0-9]){6,}")


def in_text(text: str) -> bool:
    """Whether ``text`` holds something that reads as a phone number (mobile or landline).

    For text shown to the public (a wish on the wish wall): a resident's number there would be
    published, so it is refused and the number goes in the private field instead.
    """
    return bool(_NUMBER_IN_TEXT.search((text or "").translate(_TEXT_DIGITS)))
