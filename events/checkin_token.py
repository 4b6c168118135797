"""The rotating check-in code in an event's QR (what makes a resident's check-in count).

The station head shows the event's kiosk page (``/events/<id>/kiosk/``) on a phone or the
station's kiosk; its QR code carries ``<step>.<signature>``: an HMAC of the event and the current
time step (``WENMING_CHECKIN_TOKEN_SECONDS``, default 5 minutes). A code is accepted during its
step and the next one (a resident who scanned at 4:59 still gets through); a forged one, or one
photographed earlier (yesterday's photo), is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

from core.params import is_digits


def _step_seconds() -> int:
    return max(30, int(settings.WENMING_CHECKIN_TOKEN_SECONDS))


def _signature(event_id: int, step: int) -> str:
    key = f"wenming.checkin:{settings.SECRET_KEY}".encode()
    message = f"{event_id}:{step}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // _step_seconds())


def make(event_id: int, *, now: float | None = None) -> str:
    step = current_step(now)
    return f"{step}.{_signature(event_id, step)}"


def seconds_left(now: float | None = None) -> int:
    now = time.time() if now is None else now
    return int(_step_seconds() - now % _step_seconds())


def is_valid(event_id: int, token: str | None, *, now: float | None = None) -> bool:
    """True for a genuine code of this event from the current or the previous step."""
    if not token or len(token) > 64 or "." not in token:
        return False
    step_text, signature = token.split(".", 1)
    if not is_digits(step_text):
        return False
    step = int(step_text)
    if current_step(now) - step not in (0, 1):
        return False
    return hmac.compare_digest(signature, _signature(event_id, step))
