"""Signed POSTs to receivers outside Wenming: the calendar webhook and the SMS and WeChat
gateways send their JSON the same way, so a receiver verifies every one with the same code.

The signature is ``X-Wenming-Signature: sha256=<hex HMAC-SHA256 of the body with the shared
secret>`` (README, "The monthly calendar").
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.error
import urllib.request

SIGNATURE_HEADER = "X-Wenming-Signature"


def signature(body: bytes, secret: str) -> str:
    """``sha256=<hex HMAC-SHA256 of body keyed with secret>``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(
    url: str, body: bytes, *, headers: dict[str, str], secret: str, timeout: float = 10
) -> tuple[int | None, str]:
    """POST ``body`` to ``url`` (signed when ``secret`` is set): ``(status, error)``.

    Never raises for the receiver's or the network's failures, since every caller records the
    attempt and retries later: ``status`` is the HTTP status (None when no answer came) and
    ``error`` is empty on a 2xx answer, else what went wrong. Only http(s) URLs are sent to
    (the URLs come from settings; ``file:`` and the like are refused).
    """
    if not url.lower().startswith(("http://", "https://")):
        return None, "unsupported URL scheme"
    headers = dict(headers)
    if secret:
        headers[SIGNATURE_HEADER] = signature(body, secret)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 (scheme checked above)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            code = response.status
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return None, str(getattr(exc, "reason", exc))[:500]
    return code, "" if 200 <= code < 300 else f"HTTP {code}"
