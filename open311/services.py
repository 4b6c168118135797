"""Partner keys and the orders partners place through Open311 GeoReport v2.

A key is ``wm311_`` and 32 random bytes (URL-safe): guessing one is hopeless, so one SHA-256
of it is enough to store (no slow password hash: it is looked up on every request). The key is
returned once, when issued; the admin shows it to whoever issued it and never again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from open311.models import Partner, PartnerOrder
from orders import submission as order_submission
from orders.models import MenuItem, Order, OrderStatusChange
from orders.transitions import MAX_TEXT
from stations.models import Village

KEY_PREFIX = "wm311_"
MAX_DESCRIPTION = MAX_TEXT


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str, str]:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[: len(KEY_PREFIX) + 4], _digest(key)


def partner_create(*, name: str, contact: str = "") -> tuple[Partner, str]:
    """A new partner and its key (shown once). ``InvalidInput`` for a missing or taken name."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(fields={"name": [_("请填写合作方名称（最多 100 字）。")]})
    if Partner.objects.filter(name=name).exists():
        raise InvalidInput(fields={"name": [_("已有同名的合作方。")]})
    key, prefix, digest = _new_key()
    partner = Partner.objects.create(
        name=name, contact=(contact or "").strip()[:200], key_prefix=prefix, key_hash=digest
    )
    return partner, key


def partner_rotate_key(*, partner_id: int) -> str:
    """A new key for the partner; the old one stops working at once. Also re-activates a
    revoked partner (issuing a key is a decision to let them in)."""
    key, prefix, digest = _new_key()
    Partner.objects.filter(pk=partner_id).update(
        key_prefix=prefix, key_hash=digest, is_active=True, revoked_at=None
    )
    return key


def partner_revoke(*, partner_id: int) -> bool:
    """Refuse the partner's key from now on. False when it was already revoked."""
    return bool(
        Partner.objects.filter(pk=partner_id, is_active=True).update(
            is_active=False, revoked_at=timezone.now()
        )
    )


def partner_for_key(key: str | None) -> Partner | None:
    """The active partner holding ``key``; ``None`` for a missing, unknown or revoked key."""
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    partner = Partner.objects.filter(key_hash=_digest(key), is_active=True).first()
    if partner is not None:
        now = timezone.now()
        # At most one write a minute per partner, however busy it is.
        if partner.last_used_at is None or now - partner.last_used_at > dt.timedelta(minutes=1):
            Partner.objects.filter(pk=partner.pk).update(last_used_at=now)
    return partner


def request_submit(
    *,
    partner: Partner,
    village: Village,
    menu_item: MenuItem,
    name: str,
    phone: str,
    description: str = "",
    address: str = "",
    account_id: str = "",
    preferred_date: dt.date | None = None,
    preferred_window: str = "",
    people: int = 1,
    target_group: str = "",
) -> Order:
    """POST requests: an order for ``village`` placed by ``partner`` (channel open311).

    The order and the record of which partner placed it commit together. The timeline's first
    row names the partner. Every rule of ``orders.submission.order_submit`` applies (the village
    offers the item, the phone, the duplicate window …); ``InvalidInput`` and
    ``DuplicateOrder`` come from there.
    """
    address = (address or "").strip()
    description = (description or "").strip()
    if address:
        description = _("地址：%(address)s") % {"address": address} + (
            "\n" + description if description else ""
        )
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(
            fields={
                "description": [
                    _("需求描述和地址合计过长（最多 %(n)d 字）。") % {"n": MAX_DESCRIPTION}
                ]
            }
        )
    with transaction.atomic():
        order = order_submission.order_submit(
            village=village,
            menu_item=menu_item,
            name=name,
            phone=phone,
            description=description,
            preferred_date=preferred_date,
            preferred_window=preferred_window,
            people=people,
            target_group=target_group,
            channel=Order.Channel.OPEN311,
            submitter=order_submission.Submitter(
                actor=None,
                actor_kind=OrderStatusChange.ActorKind.PARTNER,
                note_kind=OrderStatusChange.NoteKind.PARTNER,
                note_data={"who": partner.name},
            ),
        ).order
        PartnerOrder.objects.create(order=order, partner=partner, account_id=account_id[:100])
    return order


def account_ids_erase() -> int:
    """Blank the partner's account id (``PartnerOrder.account_id``, personal data a hotline may
    send) on every order whose contact was erased (``Order.anonymised_at``: the retention run or
    the resident's request, ``privacy.services``). Returns how many were blanked; a second run
    blanks none."""
    return (
        PartnerOrder.objects.filter(order__anonymised_at__isnull=False)
        .exclude(account_id="")
        .update(account_id="")
    )
