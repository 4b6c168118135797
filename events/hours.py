"""Volunteers' hours at an event, kept as service records (``volunteers.records``).

A volunteer's self check-in records *pending* hours (the event's length); the organiser (the
station head, or the town/city admin for their events) confirms them, one by one or all at once,
possibly correcting the hours. Only confirmed hours count. ``EventVolunteer`` stays the event's
list of who served; its ``hours``/``confirmed``/``hours_credited`` mirror the record.

An event made from an order (``events.services.event_from_order``) has no hours of its own: the
volunteer's hours are the order's record (confirmed by the rating or the station head), so the
event's link never counts (``hours_credited`` stays False) and no event record is ever made for
it. One service, one count.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidTransition
from events.access import require_event_scope
from events.models import Event, EventVolunteer
from volunteers import records
from volunteers.hours import MAX_HOURS, STEP, parse_hours
from volunteers.models import ServiceRecord, Volunteer

S = Event.State
EVENT = ServiceRecord.SourceKind.EVENT


def default_hours(event: Event) -> Decimal:
    """The event's length in half hours (at least half an hour, at most ``MAX_HOURS``)."""
    halves = max(1, round((event.end - event.start).total_seconds() / 1800))
    return min(Decimal(halves) / 2, MAX_HOURS).quantize(STEP)


def require_own_hours(event: Event) -> None:
    """Refuse hours for an event made from an order: they are the order's record already."""
    if event.source_order_id:
        raise InvalidTransition(_("该活动由点单转来，志愿者时长随点单确认，不在活动中重复登记。"))


def record_for(event: Event, volunteer: Volunteer, *, hours: Decimal, recorded_by) -> ServiceRecord:
    """The volunteer's record for the event, pending if new (one per volunteer and event).
    Raises ``InvalidTransition`` for an event made from an order (its hours are the order's)."""
    require_own_hours(event)
    event = (
        Event.objects.select_related(
            "category", "venue_position", "village", "town", "organiser_position", "organiser_team"
        )
        .filter(pk=event.pk)
        .first()
    )
    place = event.venue_address or (
        event.venue_position.name if event.venue_position else (event.village or event.town or "")
    )
    record, _created = records.record_create(
        volunteer=volunteer,
        hours=hours,
        service_date=timezone.localtime(event.start).date(),
        content=event.title,
        source_kind=EVENT,
        source_id=event.pk,
        source_label=_("活动") + f" #{event.pk}",
        category=event.category.name,
        place=str(place),
        town=event.town,
        village=event.village,
        organiser_position=event.organiser_position,
        organiser_team=event.organiser_team,
        points_rate=event.category.points_per_hour,
        recorded_by=recorded_by,
    )
    return record


def mirror(record: ServiceRecord) -> None:
    EventVolunteer.objects.filter(
        event_id=record.source_id, volunteer_id=record.volunteer_id
    ).update(
        hours=record.hours,
        confirmed=record.status == ServiceRecord.Status.CONFIRMED,
        hours_credited=record.status == ServiceRecord.Status.CONFIRMED,
    )


def _require_confirmable(event: Event) -> None:
    require_own_hours(event)
    if event.state not in (S.PUBLISHED, S.DONE):
        raise InvalidTransition(_("只有已发布或已完成的活动才能确认服务时长。"))
    if event.start > timezone.now():
        raise InvalidTransition(_("活动尚未开始，不能确认服务时长。"))


@transaction.atomic
def confirm_volunteer(*, user, event: Event, volunteer: Volunteer, hours) -> EventVolunteer:
    """The organiser confirms that ``volunteer`` served ``hours`` at the event (adding them to
    its volunteers if needed). Confirming again with the same hours is a no-op; other hours
    are a correction (audited old → new). Raises ``NotInScope`` outside the caller's area,
    ``PermissionDenied`` for the volunteer's own hours, ``InvalidTransition`` for an event not
    yet started, a draft, planned or cancelled one, ``InvalidInput`` for hours that
    ``parse_hours`` refuses.
    """
    require_event_scope(user, event)
    hours = parse_hours(hours)
    _require_confirmable(event)
    link, _created = EventVolunteer.objects.get_or_create(
        event=event, volunteer=volunteer, defaults={"hours": hours}
    )
    record = record_for(event, volunteer, hours=hours, recorded_by=user)
    if record.status == ServiceRecord.Status.CONFIRMED:
        if record.hours != hours:
            record = records.record_correct(
                record_id=record.pk, actor=user, hours=hours, note=_("组织方更正活动时长")
            )
    else:
        record, _changed = records.record_confirm(record_id=record.pk, actor=user, hours=hours)
    mirror(record)
    link.refresh_from_db()
    return link


@transaction.atomic
def confirm_all(*, user, event: Event) -> int:
    """Confirm every pending record of the event as recorded (the page's "confirm all");
    returns how many changed. Records the caller may not confirm (their own) are skipped."""
    require_event_scope(user, event)
    _require_confirmable(event)
    ids = list(
        ServiceRecord.objects.filter(
            source_kind=EVENT, source_id=event.pk, status=ServiceRecord.Status.PENDING
        ).values_list("pk", flat=True)
    )
    changed = records.records_confirm(record_ids=ids, actor=user)
    for record in ServiceRecord.objects.filter(pk__in=ids):
        mirror(record)
    return changed
