"""Every write to an event: creation, edits, state transitions, volunteers' hours, photos.

Beside it: who may act on an event (``events.access``), monthly plans (``events.plans``),
check-in (``events.checkin``), compiling the monthly calendar (``events.calendar``) and its
webhooks (``events.webhooks``).

State changes follow the house pattern: read the current state, then a conditional
``UPDATE … WHERE state = <observed>``; zero rows means someone else acted first
(``InvalidTransition``). Each transition writes an ``EventStateChange`` in the same transaction
and sends ``event_state_changed`` once it commits. Permissions come from
``events.access``: anything outside the caller's area is ``NotInScope`` (404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, InvalidTransition, NotInScope
from events import hours as event_hours
from events.access import position_in_scope, require_area, require_event_scope
from events.models import (
    CheckIn,
    Event,
    EventPhoto,
    EventStateChange,
    EventVolunteer,
)
from events.signals import event_state_changed
from orders.eligibility import eligible_volunteers, volunteer_eligibility
from orders.models import Order, Platform, ServiceCategory
from stations.models import Position, Town, Village
from stations.scope import scope_for
from volunteers.hours import parse_attendance_hours
from volunteers.models import ServiceRecord, Team, Volunteer

S = Event.State
EDITABLE_STATES = (S.DRAFT, S.PLANNED, S.PUBLISHED)


# --- audit and signal -------------------------------------------------------------------------


def _record_change(event: Event, *, from_state: str, to_state: str, actor, note: str = "") -> None:
    EventStateChange.objects.create(
        event=event, from_state=from_state, to_state=to_state, actor=actor, note=note
    )
    payload = {
        "event_id": event.pk,
        "village_id": event.village_id,
        "town_id": event.town_id,
        "category_id": event.category_id,
        "from_state": from_state,
        "to_state": to_state,
    }
    # Listeners (reports) must see committed data, and must not hear of a rolled-back change.
    transaction.on_commit(lambda: event_state_changed.send(sender=Event, **payload))


def transition(
    event: Event,
    *,
    actor,
    allowed_from: Iterable[str],
    to_state: str,
    note: str = "",
    when: Q | None = None,
    **fields,
) -> Event:
    """Move ``event`` to ``to_state`` if it is still in the state we read (and still matches
    ``when``, checked in the same conditional UPDATE); write the audit row."""
    allowed = set(allowed_from)
    observed = Event.objects.filter(pk=event.pk).values_list("state", flat=True).first()
    if observed not in allowed:
        raise InvalidTransition()
    now = timezone.now()
    # Conditional UPDATE: two organisers pressing "publish" at once change the row once; the
    # loser sees zero rows and gets a 409 instead of writing a second audit row.
    updated = (
        Event.objects.filter(pk=event.pk, state=observed)
        .filter(when or Q())
        .update(state=to_state, updated_at=now, **fields)
    )
    if not updated:
        raise InvalidTransition()
    event.refresh_from_db()
    _record_change(event, from_state=observed, to_state=to_state, actor=actor, note=note)
    return event


# --- create and edit ---------------------------------------------------------------------------


def _check_times(start: dt.datetime, end: dt.datetime) -> None:
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise InvalidInput(_("时间必须包含时区。"))
    if end < start:
        raise InvalidInput(
            _("结束时间不能早于开始时间。"), fields={"end": [_("结束时间不能早于开始时间。")]}
        )


def _area_from(
    *, village: Village | None, town: Town | None, position: Position | None
) -> tuple[Town | None, Village | None]:
    if village is None and town is None and position is not None:
        village, town = position.village, position.town
    if village is not None:
        if town is not None and town.pk != village.town_id:
            raise InvalidInput(_("所选村（社区）不属于该镇（街道）。"))
        town = village.town
    return town, village


@transaction.atomic
def event_create(
    *,
    user,
    title: str,
    category: ServiceCategory,
    start: dt.datetime,
    end: dt.datetime,
    village: Village | None = None,
    town: Town | None = None,
    organiser_position: Position | None = None,
    organiser_team: Team | None = None,
    venue_position: Position | None = None,
    venue_address: str = "",
    description: str = "",
    platform: Platform | None = None,
    capacity: int | None = None,
    audience: str = "",
) -> Event:
    """Create a draft event in an area the user manages.

    A station head's event defaults to their station as organiser and venue. Raises
    ``InvalidInput`` for bad times or a missing venue, ``NotInScope`` outside the user's area.
    """
    scope = scope_for(user)
    if organiser_position is None and len(scope.position_ids) == 1 and not scope.everything:
        organiser_position = Position.objects.get(pk=next(iter(scope.position_ids)))
    if organiser_position is not None and not position_in_scope(user, organiser_position):
        raise NotInScope()
    town, village = _area_from(village=village, town=town, position=organiser_position)
    require_area(user, town=town, village=village)
    _check_times(start, end)
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("请填写活动名称。"), fields={"title": [_("请填写活动名称。")]})
    if venue_position is None and not venue_address.strip():
        venue_position = organiser_position
    if venue_position is None and not venue_address.strip():
        raise InvalidInput(
            _("请选择活动阵地或填写活动地点。"), fields={"venue_address": [_("请填写活动地点。")]}
        )
    event = Event.objects.create(
        title=title,
        description=description,
        category=category,
        platform=platform,
        organiser_position=organiser_position,
        organiser_team=organiser_team,
        venue_position=venue_position,
        venue_address=venue_address.strip(),
        town=town,
        village=village,
        start=start,
        end=end,
        capacity=capacity,
        audience=audience,
        created_by=user if getattr(user, "is_authenticated", False) else None,
    )
    _record_change(event, from_state="", to_state=S.DRAFT, actor=user)
    return event


UPDATABLE_FIELDS = {
    "title",
    "description",
    "category",
    "platform",
    "organiser_team",
    "venue_position",
    "venue_address",
    "start",
    "end",
    "capacity",
    "audience",
}


@transaction.atomic
def event_update(*, user, event: Event, **changes) -> Event:
    """Edit an event that is not finished. Raises ``InvalidInput`` for unknown fields or bad
    times, ``NotInScope`` outside the area, ``InvalidTransition`` once done or cancelled."""
    require_event_scope(user, event)
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise InvalidInput(
            _("不能修改这些字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    start = changes.get("start", event.start)
    end = changes.get("end", event.end)
    _check_times(start, end)
    if "title" in changes and not (changes["title"] or "").strip():
        raise InvalidInput(_("请填写活动名称。"), fields={"title": [_("请填写活动名称。")]})
    values = {}
    for name, value in changes.items():
        field = Event._meta.get_field(name)
        values[field.attname] = value.pk if hasattr(value, "pk") else value
    # Conditional on the state so an edit cannot slip in after completion or cancellation.
    updated = Event.objects.filter(pk=event.pk, state__in=EDITABLE_STATES).update(
        updated_at=timezone.now(), **values
    )
    if not updated:
        raise InvalidTransition(_("已完成或已取消的活动不能修改。"))
    event.refresh_from_db()
    return event


# --- transitions -------------------------------------------------------------------------------


@transaction.atomic
def event_plan(*, user, event: Event) -> Event:
    """draft → planned: the event is in the position's plan (and in the compiled calendar)."""
    require_event_scope(user, event)
    return transition(event, actor=user, allowed_from=[S.DRAFT], to_state=S.PLANNED)


@transaction.atomic
def event_publish(*, user, event: Event) -> Event:
    """draft/planned → published: announced to residents."""
    require_event_scope(user, event)
    return transition(event, actor=user, allowed_from=[S.DRAFT, S.PLANNED], to_state=S.PUBLISHED)


@transaction.atomic
def event_cancel(*, user, event: Event, reason: str) -> Event:
    """Cancel an unfinished event; the reason is required and shown on the calendar."""
    require_event_scope(user, event)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写取消原因。"), fields={"reason": [_("请填写取消原因。")]})
    return transition(
        event,
        actor=user,
        allowed_from=EDITABLE_STATES,
        to_state=S.CANCELLED,
        note=reason,
        cancel_reason=reason,
        cancelled_at=timezone.now(),
    )


@dataclass(frozen=True)
class ServedVolunteer:
    """A volunteer the organiser names when completing an event; ``hours`` 0 means attended
    with no hours credited (``volunteers.hours.parse_attendance_hours``)."""

    volunteer_id: int
    hours: Decimal
    confirmed: bool = True


@transaction.atomic
def event_complete(
    *,
    user,
    event: Event,
    attendance: int | None = None,
    volunteers: Iterable[ServedVolunteer] = (),
    results_note: str = "",
) -> Event:
    """planned/published → done, recording attendance, volunteers' hours and the results.

    Attendance is at least the number of check-ins. The organiser's confirmed volunteers get
    confirmed service records; checked-in volunteers' records stay pending until confirmed.
    Raises ``InvalidTransition`` (409) before the event has started or from any other state,
    ``InvalidInput`` for a negative attendance, hours ``parse_attendance_hours`` refuses or
    unknown volunteers.
    """
    require_event_scope(user, event)
    now = timezone.now()
    # The start as stored, not the caller's copy: an edit may have moved it since.
    if not Event.objects.filter(Event.started_q(now), pk=event.pk).exists():
        raise InvalidTransition(_("活动尚未开始，不能标记为完成。"))
    if attendance is not None and attendance < 0:
        raise InvalidInput(_("参与人数不能为负数。"), fields={"attendance": [_("不能为负数。")]})
    # 0 hours names a volunteer who attended without hours credited: on the list, no record.
    served = [replace(item, hours=parse_attendance_hours(item.hours)) for item in volunteers]
    known = set(
        Volunteer.objects.filter(pk__in=[v.volunteer_id for v in served]).values_list(
            "pk", flat=True
        )
    )
    if len(known) != len({v.volunteer_id for v in served}):
        raise InvalidInput(_("志愿者不存在。"))
    eligible = set(
        eligible_volunteers(town_id=event.town_id).filter(pk__in=known).values_list("pk", flat=True)
    )
    if eligible != known:
        message = _("只能登记本活动所在镇（街道）在册的志愿者。")
        raise InvalidInput(message, fields={"volunteer": [message]})
    checkins = CheckIn.objects.filter(event=event).count()
    event = transition(
        event,
        actor=user,
        allowed_from=Event.COMPLETABLE_STATES,
        to_state=S.DONE,
        when=Event.started_q(now),
        attendance=max(attendance or 0, checkins),
        results_note=(results_note or "").strip(),
        completed_at=timezone.now(),
    )
    volunteers_by_id = Volunteer.objects.in_bulk([item.volunteer_id for item in served])
    for item in served:
        volunteer = volunteers_by_id[item.volunteer_id]
        if item.confirmed and item.hours > 0:
            event_hours.confirm_volunteer(
                user=user, event=event, volunteer=volunteer, hours=item.hours
            )
            continue
        EventVolunteer.objects.get_or_create(
            event=event, volunteer=volunteer, defaults={"hours": item.hours}
        )
        if item.hours > 0:  # named by the organiser without confirming: pending
            event_hours.record_for(event, volunteer, hours=item.hours, recorded_by=user)
    return event


def event_volunteer_confirm(
    *, user, event: Event, volunteer: Volunteer, hours: Decimal
) -> EventVolunteer:
    """The organiser confirms a volunteer served (see ``events.hours.confirm_volunteer``): the
    hours count at once; confirming again is a no-op, other hours an audited correction.

    Only a volunteer eligible for the event's area (``orders.eligibility``: on the register, of
    the event's town, anyone for a city-wide event) may be signed up: ``InvalidInput`` on the
    ``volunteer`` field otherwise, ``InvalidTransition`` for a cancelled event.
    """
    require_event_scope(user, event)
    verdict = volunteer_eligibility(volunteer, town_id=event.town_id)
    if not verdict.ok:
        # Off the register is said only of the area's own volunteers (as when assigning an
        # order): of another town's, the organiser learns no more than "not yours".
        message = (
            _("该志愿者已不在册，不能登记服务时长。")
            if verdict.in_area
            else _("只能登记本活动所在镇（街道）在册的志愿者。")
        )
        raise InvalidInput(message, fields={"volunteer": [message]})
    return event_hours.confirm_volunteer(user=user, event=event, volunteer=volunteer, hours=hours)


def event_volunteers_confirm_all(*, user, event: Event) -> int:
    """The organiser confirms every pending record of the event (see ``events.hours``)."""
    return event_hours.confirm_all(user=user, event=event)


@transaction.atomic
def event_from_order(*, user, order: Order) -> Event:
    """Record a completed order as an activity (so "practice" counts both), already done.

    The volunteer's hours are the order's service record (confirmed by the resident's rating
    or the station head): the event lists the volunteer with those hours but never counts them
    (``hours_credited`` False, and ``events.hours`` refuses records for such an event), so the
    hours count once. Raises ``InvalidTransition`` unless the order is completed or rated, or
    when it was recorded already.
    """
    require_area(user, town=order.town, village=order.village)
    if not order.is_served:
        raise InvalidTransition(_("只有已完成的点单才能记为活动。"))
    if Event.objects.filter(source_order=order).exists():
        raise InvalidTransition(_("该点单已记为活动。"))
    tz = timezone.get_current_timezone()
    if order.service_date:
        start = dt.datetime.combine(order.service_date, dt.time(9, 0), tzinfo=tz)
    else:
        start = order.completed_at or timezone.now()
    hours = order.hours or Decimal("1")
    station = Position.objects.filter(
        level=Position.Level.STATION, village_id=order.village_id
    ).first()
    try:
        with transaction.atomic():
            event = Event.objects.create(
                title=order.menu_item.title,
                description=order.report or order.description,
                category_id=order.category_id,
                platform_id=order.menu_item.platform_id,
                organiser_position=station,
                organiser_team_id=order.accepted_team_id,
                venue_position=station,
                venue_address="" if station else str(order.village),
                town_id=order.town_id,
                village_id=order.village_id,
                start=start,
                end=start + dt.timedelta(hours=float(hours)),
                audience=order.target_group,
                state=S.DONE,
                attendance=order.people,
                results_note=order.rating_comment,
                source_order=order,
                completed_at=order.completed_at or timezone.now(),
                created_by=user if getattr(user, "is_authenticated", False) else None,
            )
    except IntegrityError as exc:  # a concurrent request recorded it first
        raise InvalidTransition(_("该点单已记为活动。")) from exc
    if order.accepted_by_id:
        EventVolunteer.objects.create(
            event=event,
            volunteer_id=order.accepted_by_id,
            hours=hours,
            confirmed=ServiceRecord.objects.filter(
                source_kind=ServiceRecord.SourceKind.ORDER,
                source_id=order.pk,
                volunteer_id=order.accepted_by_id,
                status=ServiceRecord.Status.CONFIRMED,
            ).exists(),
            hours_credited=False,  # counted once, as the order's record
        )
    _record_change(event, from_state="", to_state=S.DONE, actor=user, note=order.number)
    return event


# --- photos ------------------------------------------------------------------------------------


@transaction.atomic
def event_photo_add(*, user, event: Event, image, caption: str = "") -> EventPhoto:
    """Attach a validated image (type, size, Pillow-readable) to an event in the user's area."""
    from django.core.exceptions import ValidationError

    require_event_scope(user, event)
    photo = EventPhoto(event=event, image=image, caption=caption.strip(), uploaded_by=user)
    try:
        photo.full_clean()
    except ValidationError as exc:
        raise InvalidInput(_("照片无效。"), fields=exc.message_dict) from exc
    photo.save()
    return photo
