"""Monthly plans: a station submits its plan for a month, and its draft events become planned."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, InvalidTransition, NotInScope
from core.months import add_months, bounds, current_month, label
from events.access import position_in_scope
from events.models import NOTE_MAX, Event, MonthlyPlan
from events.services import transition
from events.signals import plan_submitted
from notifications.kinds import Kind
from notifications.models import Notification
from notifications.services import notify
from stations.models import Position, Role

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


def _due_date(month: dt.date) -> dt.date:
    """The day by which ``month``'s plan is due: ``WENMING_PLAN_DUE_DAY`` of the month before."""
    prev = add_months(month, -1)
    return dt.date(prev.year, prev.month, min(settings.WENMING_PLAN_DUE_DAY, 28))


def plan_remind_missing(*, month: dt.date, stations=None, now: dt.datetime | None = None) -> int:
    """Tell the heads of the active stations (all, or ``stations``) that have not submitted
    ``month``'s plan. At most once a day per station: the cause is the station and the local
    date, so a second run the same day (a second click, a second beat) sends nothing more.
    Returns how many stations had not been reminded yet today."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    qs = Position.objects.filter(level=Position.Level.STATION, is_active=True).exclude(
        monthly_plans__month=month, monthly_plans__status=MonthlyPlan.Status.SUBMITTED
    )
    if stations is not None:
        qs = qs.filter(pk__in=stations)
    positions = list(qs.only("pk", "name", "head_user_id"))
    causes = {p.pk: f"plan:{label(month)}:{p.pk}:{today.isoformat()}" for p in positions}
    done_today = set(
        Notification.objects.filter(cause__in=causes.values()).values_list("cause", flat=True)
    )
    heads: dict[int, set[int]] = {p.pk: {p.head_user_id} - {None} for p in positions}
    for position_id, user_id in Role.objects.filter(
        kind=Role.Kind.STATION_HEAD, position_id__in=heads
    ).values_list("position_id", "user_id"):
        heads[position_id].add(user_id)
    reminded = 0
    url = reverse("events:plan_month", kwargs={"ym": label(month)})
    with transaction.atomic():
        for position in positions:
            if causes[position.pk] in done_today or not heads[position.pk]:
                continue
            notify(
                cause=causes[position.pk],
                kind=Kind.PLAN_REMINDER,
                payload={
                    "station": position.name,
                    "month": label(month),
                    "due": _due_date(month).isoformat(),
                    "url": url,
                },
                users=heads[position.pk],
            )
            reminded += 1
    return reminded


def plan_remind_if_due(*, now: dt.datetime | None = None) -> int:
    """Beat, daily: three days before next month's plan is due, remind the missing stations."""
    now = now or timezone.now()
    month = add_months(current_month(), 1)
    if timezone.localdate(now) != _due_date(month) - dt.timedelta(days=3):
        return 0
    return plan_remind_missing(month=month, now=now)
