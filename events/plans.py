"""Monthly plans: a station submits its plan for a month, and its draft events become planned."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, InvalidTransition, NotInScope
from core.months import bounds, current_month
from events.access import position_in_scope
from events.models import NOTE_MAX, Event, MonthlyPlan
from events.services import transition
from events.signals import plan_submitted
from stations.models import Position

S = Event.State


@transaction.atomic
def plan_submit(*, user, position: Position, month: dt.date, note: str = "") -> MonthlyPlan:
    """Submit ``position``'s plan for ``month``: its draft events of the month become planned.

    Raises ``NotInScope`` for another station, ``InvalidInput`` for a past month or an empty
    plan, ``InvalidTransition`` when the plan was already submitted.
    """
    if not position_in_scope(user, position):
        raise NotInScope()
    if month.day != 1:
        raise InvalidInput(_("月份无效。"))
    if month < current_month():
        raise InvalidInput(_("不能提交过去月份的计划。"))
    if len(note or "") > NOTE_MAX:
        raise InvalidInput(
            _("计划说明过长（最多 %(n)d 字）。") % {"n": NOTE_MAX},
            fields={"note": [_("计划说明过长（最多 %(n)d 字）。") % {"n": NOTE_MAX}]},
        )
    start, end = bounds(month)
    month_events = Event.objects.filter(
        organiser_position=position, start__gte=start, start__lt=end
    ).exclude(state=S.CANCELLED)
    if not month_events.exists():
        raise InvalidInput(_("计划中至少需要一项活动。"))
    plan, _created = MonthlyPlan.objects.get_or_create(position=position, month=month)
    now = timezone.now()
    updated = MonthlyPlan.objects.filter(pk=plan.pk, status=MonthlyPlan.Status.DRAFT).update(
        status=MonthlyPlan.Status.SUBMITTED,
        submitted_at=now,
        submitted_by=user,
        note=(note or plan.note).strip(),
        updated_at=now,
    )
    if not updated:
        raise InvalidTransition(_("本月计划已提交。"))
    for event in month_events.filter(state=S.DRAFT):
        try:
            transition(event, actor=user, allowed_from=[S.DRAFT], to_state=S.PLANNED)
        except InvalidTransition:
            continue  # edited concurrently into another state: leave it be
    plan.refresh_from_db()
    payload = {
        "plan_id": plan.pk,
        "position_id": position.pk,
        "village_id": position.village_id,
        "town_id": position.town_id,
        "month": month,
    }
    transaction.on_commit(lambda: plan_submitted.send(sender=MonthlyPlan, **payload))
    return plan
