"""Fixed-window rate limits for the public order form and API, kept in the cache.

The limits are the REST framework throttle rates ``order_submit_ip`` and ``order_submit_phone``
(settings ``WENMING_ORDER_RATE_IP`` / ``WENMING_ORDER_RATE_PHONE``), so the page and the API
share one budget. Keys hold a hash, never a phone number (PIPL).

With the cache (Redis) down, each limit either fails open (lets the request through) or closed
(answers 429 until the cache is back); README "Operations" lists them:

- open: orders (a lost order is worse than a missed limit; duplicates and the station's review
  still apply), event check-in (one per phone per event is a database constraint), the API
  token endpoint (the login lockout lives in the database and still holds), "find my orders"
  per address;
- closed: "find my orders" SMS codes per phone (``FAIL_CLOSED_SCOPES``): without the limit anyone
  could send a resident an SMS every second, and nothing is lost by waiting.

The phone budget counts per phone *and* address (issue 14): counted per phone alone, anyone who
knows a resident's number could spend it from anywhere and lock the resident out of ordering.
Per phone and address, a stranger only spends their own share; the per-address budget still caps
what any one address sends, whatever phones it uses. The trade-off: someone with many addresses
can still place orders under another's number (each a few per address), which the duplicate
rule and the station's review catch, but can no longer block the owner.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

IP_SCOPE = "order_submit_ip"
PHONE_SCOPE = "order_submit_phone"
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
FAIL_CLOSED_SCOPES = frozenset({"phone_code_phone"})
# Retry-After while a fail-closed limit cannot be counted.
OUTAGE_WAIT_SECONDS = 60


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/hour"`` → ``(20, 3600)``."""
    num, period = rate.split("/")
    return int(num), _PERIODS[period.strip()[0]]


def _rate(scope: str) -> tuple[int, int] | None:
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get(scope)
    return parse_rate(rate) if rate else None


def hit(scope: str, ident: str) -> int | None:
    """Count one attempt; return the seconds to wait when over the limit, else None."""
    rate = _rate(scope)
    if rate is None or not ident:
        return None
    limit, period = rate
    now = int(time.time())
    window = now // period
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ident}".encode()).hexdigest()[:32]
    key = f"wm:rl:{scope}:{digest}:{window}"
    try:
        if hasattr(cache, "count"):  # Redis (core.cache): one round trip
            count = cache.count(key, timeout=period + 5)
        else:
            cache.add(key, 0, timeout=period + 5)
            count = cache.incr(key)
    except Exception:  # cache (Redis) unavailable: open or closed, see the module docstring
        closed = scope in FAIL_CLOSED_SCOPES
        logger.warning(
            "rate limit cache unavailable for scope %s: failing %s",
            scope,
            "closed" if closed else "open",
        )
        return OUTAGE_WAIT_SECONDS if closed else None
    if count > limit:
        return (window + 1) * period - now
    return None


def check_order_submit(*, ip: str, phone: str | None) -> int | None:
    """Count a public submission (the page's and the API's alike) against the address budget,
    then the phone budget of this address (see the docstring); seconds to wait, or None.

    ``phone`` is the normalised number, or None when what was typed is not one (then only the
    address is counted)."""
    wait = hit(IP_SCOPE, ip)
    if wait is None and phone:
        wait = hit(PHONE_SCOPE, f"{phone}@{ip}")
    return wait
