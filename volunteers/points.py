"""The points ledger (积分) and the stations' points supermarkets (积分超市).

- Confirmed hours earn ``hours × rate`` points (the rate of the service's category, default 10
  per hour, fixed on the record), within the daily and monthly caps
  (``WENMING_POINTS_DAILY_CAP`` / ``WENMING_POINTS_MONTHLY_CAP``, counted by the day of service).
- Revoked hours reverse what their record earned; corrected hours reverse and earn anew.
- A station head redeems an item of their station for a volunteer: refused (409) when the
  balance or the stock is short.

**A reversal after a redemption** (hours revoked after their points were spent) is recorded in
full: the ledger tells the truth, those hours were not served. The balance may then be below
zero; it is shown as owed (欠分: ``in_debt`` in the API, a warning on the dashboard and on the
station's rewards page), and every redemption is refused (409) until new earnings bring the
balance up to the item's points. Nothing is taken back from the volunteer and no entry is ever
edited; the debt is simply paid off by later service.

The ledger is append-only: a balance is the sum of a volunteer's entries, never a stored number
that could drift. Every write takes the volunteer's row lock first (``select_for_update``), so
two redemptions for one volunteer queue and the second sees the first's entry: the balance
never goes below zero through redemptions. Stock is decremented with a conditional UPDATE
(``stock >= 1``) and a CHECK constraint as a backstop.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils.translation import gettext as _

from core.errors import InvalidInput, InvalidTransition, NotInScope
from stations.models import Position
from stations.scope import scope_for
from volunteers.models import PointsEntry, Redemption, Reward, ServiceRecord, Volunteer

K = PointsEntry.Kind


def _lock(volunteer_id: int) -> Volunteer:
    # The volunteer's row lock serialises every ledger write for them (see module docstring).
    return Volunteer.objects.select_for_update().only("id", "town_id").get(pk=volunteer_id)


def balance(volunteer_id: int) -> int:
    return (
        PointsEntry.objects.filter(volunteer_id=volunteer_id).aggregate(s=Sum("points"))["s"] or 0
    )


def _earned_between(volunteer_id: int, start: dt.date, end: dt.date) -> int:
    return (
        PointsEntry.objects.filter(
            volunteer_id=volunteer_id,
            record__isnull=False,
            service_date__gte=start,
            service_date__lte=end,
        ).aggregate(s=Sum("points"))["s"]
        or 0
    )


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def earn_for_record(record: ServiceRecord, *, actor=None) -> PointsEntry | None:
    """Credit points for a record that was just confirmed (inside its transaction)."""
    _lock(record.volunteer_id)
    wanted = int((record.hours * record.points_rate).quantize(Decimal("1"), ROUND_HALF_UP))
    day = record.service_date
    room_day = settings.WENMING_POINTS_DAILY_CAP - _earned_between(record.volunteer_id, day, day)
    room_month = settings.WENMING_POINTS_MONTHLY_CAP - _earned_between(
        record.volunteer_id, day.replace(day=1), _month_end(day)
    )
    points = max(0, min(wanted, room_day, room_month))
    note = "" if points == wanted else _("已达积分上限，按上限计入")
    return PointsEntry.objects.create(
        volunteer_id=record.volunteer_id,
        kind=K.EARN,
        points=points,
        record=record,
        service_date=day,
        town_id=record.volunteer.town_id,
        note=note,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def reverse_for_record(record: ServiceRecord, *, actor=None) -> PointsEntry | None:
    """Reverse whatever the record's entries add up to (its hours were revoked)."""
    _lock(record.volunteer_id)
    net = PointsEntry.objects.filter(record=record).aggregate(s=Sum("points"))["s"] or 0
    if net <= 0:
        return None
    return PointsEntry.objects.create(
        volunteer_id=record.volunteer_id,
        kind=K.REVERSE,
        points=-net,
        record=record,
        service_date=record.service_date,
        town_id=record.volunteer.town_id,
        note=_("服务时长撤销或更正，积分冲正"),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def adjust_for_record(record: ServiceRecord, *, old_hours: Decimal, actor=None) -> None:
    """A confirmed record's hours were corrected: reverse what it earned, earn anew."""
    reverse_for_record(record, actor=actor)
    earn_for_record(record, actor=actor)


# --- the points supermarket ----------------------------------------------------------------------


def may_keep(user, position: Position) -> bool:
    """Station heads keep their station's catalogue (and admins whose area covers it)."""
    scope = scope_for(user)
    return (
        scope.everything
        or position.pk in scope.position_ids
        or (position.village_id is not None and position.village_id in scope.village_ids)
        or (position.town_id is not None and position.town_id in scope.town_ids)
    )


def _clean_reward(name: str, points, stock) -> tuple[str, int, int]:
    errors = {}
    name = (name or "").strip()[:100]
    if not name:
        errors["name"] = [_("请填写物品名称。")]
    try:
        points = int(points)
        if not 1 <= points <= 1_000_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["points"] = [_("所需积分应为 1 到 1000000 的整数。")]
    try:
        stock = int(stock)
        if not 0 <= stock <= 1_000_000:
            raise ValueError
    except (TypeError, ValueError):
        errors["stock"] = [_("库存应为 0 到 1000000 的整数。")]
    if errors:
        raise InvalidInput(_("请检查物品信息。"), fields=errors)
    return name, points, stock


@transaction.atomic
def reward_create(*, actor, position_id: int, name: str, points, stock) -> Reward:
    """Add an item to a station's catalogue. ``NotInScope`` for another station."""
    position = Position.objects.filter(pk=position_id, level=Position.Level.STATION).first()
    if position is None or not may_keep(actor, position):
        raise NotInScope()
    name, points, stock = _clean_reward(name, points, stock)
    if Reward.objects.filter(position=position, name=name).exists():
        raise InvalidInput(fields={"name": [_("本站已有同名物品。")]})
    return Reward.objects.create(position=position, name=name, points=points, stock=stock)


@transaction.atomic
def reward_update(
    *, actor, reward_id: int, name: str, points, stock, is_active: bool = True
) -> Reward:
    """Change an item (name, points, stock, on/off shelf). ``NotInScope`` for another station."""
    reward = Reward.objects.select_for_update().select_related("position").filter(pk=reward_id)
    reward = reward.first()
    if reward is None or not may_keep(actor, reward.position):
        raise NotInScope()
    name, points, stock = _clean_reward(name, points, stock)
    if Reward.objects.filter(position=reward.position, name=name).exclude(pk=reward.pk).exists():
        raise InvalidInput(fields={"name": [_("本站已有同名物品。")]})
    Reward.objects.filter(pk=reward.pk).update(
        name=name, points=points, stock=stock, is_active=bool(is_active)
    )
    reward.refresh_from_db()
    return reward


@transaction.atomic
def redeem(*, actor, reward_id: int, volunteer_id: int) -> Redemption:
    """The station head hands an item to a volunteer for its points.

    Raises ``NotInScope`` (404) for an item of another station or a volunteer the caller does
    not see, ``InvalidTransition`` (409) when the balance or the stock is short or the item is
    off the shelf.
    """
    reward = Reward.objects.select_related("position").filter(pk=reward_id).first()
    if reward is None or not may_keep(actor, reward.position):
        raise NotInScope()
    volunteer = Volunteer.objects.filter(pk=volunteer_id).only("id", "town_id").first()
    if volunteer is None:
        raise NotInScope()
    if not reward.is_active:
        raise InvalidTransition(_("该物品已下架。"))
    _lock(volunteer.pk)
    have = balance(volunteer.pk)
    if have < 0:
        raise InvalidTransition(
            _("该志愿者欠 %(owed)s 分（已兑换的积分因服务时长撤销被冲正），补足前不能兑换。")
            % {"owed": -have}
        )
    if have < reward.points:
        raise InvalidTransition(
            _("积分不足：需要 %(need)s 分，当前余额 %(have)s 分。")
            % {"need": reward.points, "have": have}
        )
    # The conditional UPDATE is the stock's arbiter: of two last-item redemptions one wins.
    taken = Reward.objects.filter(Q(pk=reward.pk) & Q(stock__gte=1)).update(stock=F("stock") - 1)
    if not taken:
        raise InvalidTransition(_("库存不足。"))
    redemption = Redemption.objects.create(
        reward=reward,
        volunteer=volunteer,
        points=reward.points,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    PointsEntry.objects.create(
        volunteer=volunteer,
        kind=K.REDEEM,
        points=-reward.points,
        redemption=redemption,
        town_id=volunteer.town_id,
        note=reward.name,
        created_by=redemption.created_by,
    )
    return redemption
