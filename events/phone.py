"""Mainland China mobile numbers: 11 digits starting 13–19."""

import re

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def is_mainland_mobile(value: str | None) -> bool:
    return bool(value) and bool(MOBILE_RE.match(value))
