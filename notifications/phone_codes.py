"""One-time SMS codes that prove a phone is yours (6 digits, 10 minutes, 5 tries).

The caller decides whether a code is worth sending (``send=False`` writes nothing), and shows
the same page either way: nobody learns from it whether a number is known.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.params import is_digits
from notifications.kinds import Kind
from notifications.models import PhoneCode
from notifications.services import notify

CODE_MINUTES = 10
CODE_TRIES = 5


def _hash(phone: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def phone_code_issue(*, phone: str, send: bool = True) -> None:
    """Send a new code to ``phone`` (already normalised), retiring its earlier codes."""
    if not send:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        PhoneCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
        row = PhoneCode.objects.create(
            phone=phone,
            code_hash=_hash(phone, code),
            expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
        )
        notify(
            cause=f"phone_code:{row.pk}",
            kind=Kind.PHONE_CODE,
            payload={"code": code, "minutes": CODE_MINUTES},
            phones=[phone],
        )


def phone_code_verify(*, phone: str, code: str) -> None:
    """Accept ``code`` for ``phone`` once, or raise ``InvalidInput`` (wrong, expired, or the
    code's tries are used up; the message never says whether the phone is known)."""
    wrong = InvalidInput(fields={"code": [_("验证码错误或已过期，请重新获取。")]})
    code = (code or "").strip()
    if not (len(code) == 6 and is_digits(code)):
        raise wrong
    now = timezone.now()
    row = (
        PhoneCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None:
        raise wrong
    # Count the try first, under the row's lock: parallel guesses cannot exceed the budget.
    counted = PhoneCode.objects.filter(pk=row.pk, attempts__lt=CODE_TRIES).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise InvalidInput(fields={"code": [_("尝试次数过多，请重新获取验证码。")]})
    if not hmac.compare_digest(row.code_hash, _hash(phone, code)):
        raise wrong
    # One use: of two requests with the right code, one wins.
    if not PhoneCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now):
        raise wrong
