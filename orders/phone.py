"""Mainland China mobile numbers: normalising, validating and masking (PIPL).

Residents type numbers in every shape: with spaces or dashes, with a ``+86`` or ``0086``
prefix, with full-width digits from a Chinese keyboard. We keep the bare 11 digits.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()（）]")

INVALID_MESSAGE = _("请输入11位中国大陆手机号，例如 13812345678。")


def normalize(raw: object) -> str:
    """Digits only, without the country code; full-width digits become ASCII ones."""
    if not isinstance(raw, str):  # JSON bodies may carry anything
        return ""
    value = unicodedata.normalize("NFKC", raw).strip()
    value = _SEPARATORS.sub("", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    return value


def is_valid(raw: object) -> bool:
    return bool(MOBILE_RE.match(normalize(raw)))


def clean(raw: object) -> str:
    """The normalised number, or a ValidationError with a message residents understand."""
    value = normalize(raw)
    if not MOBILE_RE.match(value):
        raise ValidationError(INVALID_MESSAGE, code="invalid_phone")
    return value


def mask(value: str) -> str:
    """What most people may see of a phone (PIPL): ``138****1234``."""
    return f"{value[:3]}****{value[-4:]}" if len(value) >= 7 else "****"
