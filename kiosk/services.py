"""Kiosk links (create, revoke) and placing an order at the kiosk.

A link is created and revoked only by someone who manages the station (its head, the town's or
the city's admins: ``stations.scope``); anyone else gets ``NotInScope`` (404), never a hint the
station exists.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, InvalidTransition, NotInScope
from kiosk.models import KioskLink
from orders import submission as order_submission
from orders.models import MenuItem, Order
from stations.models import Position
from stations.scope import scope_for

LABEL_MAX = 50


def _managed_station(user, station_id: int) -> Position:
    station = (
        Position.objects.filter(pk=station_id, level=Position.Level.STATION)
        .select_related("village")
        .first()
    )
    if station is None or not scope_for(user).covers_village(station.village_id, station.town_id):
        raise NotInScope()
    return station


def kiosk_link_create(*, user, station_id: int, label: str) -> KioskLink:
    """A new kiosk link for a station the user manages. ``InvalidInput`` for a missing or too
    long name."""
    label = (label or "").strip()
    if not label:
        raise InvalidInput(_("请填写一体机名称。"), fields={"label": [_("此项为必填。")]})
    if len(label) > LABEL_MAX:
        raise InvalidInput(
            _("名称最多 %(n)d 字。") % {"n": LABEL_MAX},
            fields={"label": [_("名称最多 %(n)d 字。") % {"n": LABEL_MAX}]},
        )
    station = _managed_station(user, station_id)
    return KioskLink.objects.create(
        station=station, label=label, secret=secrets.token_urlsafe(24), created_by=user
    )


def kiosk_link_revoke(*, user, link_id: int) -> KioskLink:
    """Stop a kiosk link: the browser holding it shows a clear page and takes no orders from
    its next touch on. Conditional UPDATE: revoking twice is ``InvalidTransition``."""
    link = KioskLink.objects.filter(pk=link_id).select_related("station").first()
    if link is None:
        raise NotInScope()
    _managed_station(user, link.station_id)
    with transaction.atomic():
        if not KioskLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=user
        ):
            raise InvalidTransition(_("该一体机链接已停用。"))
    link.refresh_from_db()
    return link


def kiosk_order_submit(*, link: KioskLink, menu_item_id: int | None, phone: str):
    """A resident orders at the station's kiosk: the station's village, a service of its menu,
    the phone typed on the keypad. The order's channel is ``kiosk``. Raises what
    ``order_submit`` raises (``InvalidInput`` with per-field messages, ``DuplicateOrder``)."""
    village = link.station.village
    menu_item = MenuItem.objects.filter(pk=menu_item_id or 0, is_active=True).first()
    if menu_item is None:
        raise InvalidInput(_("请选择一项服务。"), fields={"menu_item": [_("请选择一项服务。")]})
    result = order_submission.order_submit(
        village=village,
        menu_item=menu_item,
        # Typing a name on a touch screen is where elderly residents give up; the station
        # calls back on the phone.
        name=_("一体机点单居民"),
        phone=phone,
        channel=Order.Channel.KIOSK,
    )
    KioskLink.objects.filter(pk=link.pk).update(last_used_at=timezone.now())
    return result.order
