"""Every write to a volunteer's service records: record (pending), confirm, correct, revoke.

Hours are pending until someone other than the volunteer confirms them: the organiser (a login
whose area covers the record), or the resident's rating of an order (the orders app calls
``records_confirm_for_source`` once it has checked the resident's tracking token). Only
confirmed hours count in ``Volunteer.hours_total``; each confirmation, correction and
revocation moves that total in the same transaction and writes a ``ServiceRecordChange``.

Errors (``core.errors``): ``InvalidInput`` (400), ``NotInScope`` (404: the record is outside
the caller's area), ``PermissionDenied`` (403: a volunteer confirming their own hours),
``InvalidTransition`` (409: a revoked record).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.errors import InvalidInput, InvalidTransition, NotInScope, PermissionDenied
from stations.models import Position, Town, Village
from stations.scope import scope_for
from volunteers.hours import parse_hours
from volunteers.models import ServiceRecord, ServiceRecordChange, Team, Volunteer
from volunteers.signals import service_record_saved, service_records_changed

S = ServiceRecord.Status
A = ServiceRecordChange.Action
DEFAULT_POINTS_RATE = 10


def clip(text: str | None, length: int) -> str:
    return (text or "").strip()[:length]


def may_confirm(user, record: ServiceRecord) -> bool:
    """Whether ``user`` organises the record's service: their area covers its village (or its
    town / the city for town and city services), or they head its organising station."""
    return scope_for(user).covers_organised(
        village_id=record.village_id,
        town_id=record.town_id,
        position_id=record.organiser_position_id,
    )


def _is_own(user, record: ServiceRecord) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and record.volunteer.user_id == user.pk
    )


def _audit(
    record: ServiceRecord,
    *,
    action: str,
    from_status: str,
    old_hours: Decimal | None,
    actor=None,
    actor_label: str = "",
    note: str = "",
) -> None:
    ServiceRecordChange.objects.create(
        record=record,
        action=action,
        from_status=from_status,
        to_status=record.status,
        old_hours=old_hours,
        new_hours=record.hours,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=clip(actor_label, 50),
        note=clip(note, 500),
    )


def _announce(record: ServiceRecord) -> None:
    """Tell mirrors now (in this transaction) and listeners (the reports) once the change
    commits: the record's status or hours moved."""
    service_record_saved.send(sender=ServiceRecord, record=record)
    kind, source_id = record.source_kind, record.source_id
    if source_id is None:
        return
    transaction.on_commit(
        lambda: service_records_changed.send(
            sender=ServiceRecord, source_kind=kind, source_id=source_id
        )
    )


def _move_total(volunteer_id: int, delta: Decimal) -> None:
    # Called for every change of confirmed hours; the record's listeners are told separately.
    if delta:
        Volunteer.objects.filter(pk=volunteer_id).update(hours_total=F("hours_total") + delta)


def record_create(
    *,
    volunteer: Volunteer,
    hours: Decimal | str | float,
    service_date: dt.date,
    content: str,
    source_kind: str = ServiceRecord.SourceKind.OTHER,
    source_id: int | None = None,
    source_label: str = "",
    category: str = "",
    place: str = "",
    town: Town | None = None,
    village: Village | None = None,
    organiser_position: Position | None = None,
    organiser_team: Team | None = None,
    points_rate: int = DEFAULT_POINTS_RATE,
    recorded_by=None,
) -> tuple[ServiceRecord, bool]:
    """Record a volunteer's service as *pending* hours; returns ``(record, created)``.

    One record per volunteer and source: a second call for the same order or event returns the
    existing record unchanged (``created`` False), so a retried request never adds hours.
    Raises ``InvalidInput`` for hours that ``volunteers.hours`` refuses, a date outside
    2000-2100, no content.
    """
    hours = parse_hours(hours)
    if not dates.in_range(service_date):
        raise InvalidInput(fields={"service_date": [dates.OUT_OF_RANGE_MESSAGE % dates.YEARS]})
    content = clip(content, 200)
    if not content:
        raise InvalidInput(fields={"content": [_("请填写服务内容。")]})
    if village is not None and town is None:
        town = village.town
    fields = {
        "hours": hours,
        "service_date": service_date,
        "content": content,
        "source_label": clip(source_label, 100),
        "category": clip(category, 50),
        "place": clip(place, 200),
        "town": town,
        "village": village,
        "organiser_position": organiser_position,
        "organiser_team": organiser_team,
        "points_rate": max(0, min(int(points_rate), 1000)),
        "recorded_by": recorded_by if getattr(recorded_by, "is_authenticated", False) else None,
    }
    if source_id is not None:
        existing = ServiceRecord.objects.filter(
            source_kind=source_kind, source_id=source_id, volunteer=volunteer
        ).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            record = ServiceRecord.objects.create(
                volunteer=volunteer, source_kind=source_kind, source_id=source_id, **fields
            )
            _audit(
                record,
                action=A.CREATE,
                from_status="",
                old_hours=None,
                actor=recorded_by,
                actor_label=_("志愿者") if _is_own(recorded_by, record) else "",
            )
    except IntegrityError:
        # A concurrent request recorded the same source first (the unique constraint decides).
        existing = ServiceRecord.objects.filter(
            source_kind=source_kind, source_id=source_id, volunteer=volunteer
        ).first()
        if existing is None:
            raise
        return existing, False
    return record, True


def _locked(record_id: int) -> ServiceRecord:
    # select_for_update: confirm, correct and revoke read the hours and status, then move the
    # volunteer's total by them; the row lock keeps two of them from using the same stale row.
    record = (
        ServiceRecord.objects.select_for_update()
        .select_related("volunteer")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise NotInScope()
    return record


def _confirm(
    record: ServiceRecord, *, actor, actor_label: str, hours: Decimal | None = None
) -> bool:
    """Confirm a locked record; returns False (and changes nothing) when already confirmed."""
    if record.status == S.CONFIRMED:
        return False
    if record.status == S.REVOKED:
        raise InvalidTransition(_("该服务记录已撤销，不能确认。"))
    old_hours = record.hours
    now = timezone.now()
    record.status = S.CONFIRMED
    record.confirmed_at = now
    record.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    record.confirmed_label = clip(actor_label, 50)
    if hours is not None:
        record.hours = hours
    updated = ServiceRecord.objects.filter(pk=record.pk, status=S.PENDING).update(
        status=S.CONFIRMED,
        confirmed_at=now,
        confirmed_by=record.confirmed_by,
        confirmed_label=record.confirmed_label,
        hours=record.hours,
    )
    if not updated:  # pragma: no cover - the row lock makes this unreachable on PostgreSQL
        return False
    _move_total(record.volunteer_id, record.hours)
    _audit(
        record,
        action=A.CONFIRM,
        from_status=S.PENDING,
        old_hours=old_hours,
        actor=actor,
        actor_label=actor_label,
    )
    from volunteers import points  # the ledger builds on records, not the other way round

    points.earn_for_record(record)
    _announce(record)
    return True


@transaction.atomic
def record_confirm(
    *, record_id: int, actor, hours: Decimal | str | float | None = None
) -> tuple[ServiceRecord, bool]:
    """The organiser confirms pending hours (optionally correcting them in the same step).

    Returns ``(record, changed)``: confirming a confirmed record is a no-op (``changed`` False,
    no second credit). Raises ``NotInScope`` outside the caller's area, ``PermissionDenied``
    for the volunteer's own record, ``InvalidTransition`` for a revoked one.
    """
    new_hours = parse_hours(hours) if hours not in (None, "") else None
    record = _locked(record_id)
    # Own first: a volunteer asking about their own record learns nothing new from a 403.
    if _is_own(actor, record):
        raise PermissionDenied(_("志愿者不能确认自己的服务时长。"))
    if not may_confirm(actor, record):
        raise NotInScope()
    changed = _confirm(record, actor=actor, actor_label="", hours=new_hours)
    return record, changed


def records_confirm(*, record_ids: Iterable[int], actor) -> int:
    """Confirm several pending records (the event page's "confirm all"); returns how many
    changed. Records outside the caller's area or their own are skipped, not confirmed."""
    confirmed = 0
    for record_id in sorted(set(record_ids)):
        try:
            _record, changed = record_confirm(record_id=record_id, actor=actor)
        except (NotInScope, PermissionDenied, InvalidTransition):
            continue
        confirmed += changed
    return confirmed


@transaction.atomic
def records_confirm_for_source(
    *, source_kind: str, source_id: int, actor=None, actor_label: str = ""
) -> int:
    """Confirm the pending records of one order or event, by a party the caller has verified
    (the resident who rated the order with its tracking token). Returns how many changed."""
    changed = 0
    ids = ServiceRecord.objects.filter(
        source_kind=source_kind, source_id=source_id, status=S.PENDING
    ).values_list("pk", flat=True)
    for record_id in sorted(ids):
        record = _locked(record_id)
        changed += _confirm(record, actor=actor, actor_label=actor_label)
    return changed


@transaction.atomic
def record_correct(
    *, record_id: int, actor, hours: Decimal | str | float, note: str = ""
) -> ServiceRecord:
    """Correct a record's hours (old → new in the audit row); a confirmed record's volunteer
    total and points follow. Same errors as ``record_confirm``; a reason is required."""
    new_hours = parse_hours(hours)
    note = clip(note, 500)
    if not note:
        raise InvalidInput(fields={"note": [_("请填写更正原因。")]})
    record = _locked(record_id)
    # Own first: a volunteer asking about their own record learns nothing new from a 403.
    if _is_own(actor, record):
        raise PermissionDenied(_("志愿者不能更正自己的服务时长。"))
    if not may_confirm(actor, record):
        raise NotInScope()
    if record.status == S.REVOKED:
        raise InvalidTransition(_("该服务记录已撤销，不能更正。"))
    old_hours = record.hours
    if new_hours == old_hours:
        return record
    ServiceRecord.objects.filter(pk=record.pk).update(hours=new_hours)
    record.hours = new_hours
    if record.status == S.CONFIRMED:
        _move_total(record.volunteer_id, new_hours - old_hours)
        from volunteers import points

        points.adjust_for_record(record, old_hours=old_hours)
    _announce(record)
    _audit(
        record,
        action=A.CORRECT,
        from_status=record.status,
        old_hours=old_hours,
        actor=actor,
        note=note,
    )
    return record


@transaction.atomic
def record_revoke(*, record_id: int, actor, reason: str) -> ServiceRecord:
    """Revoke a record (padded or mistaken hours): its confirmed hours leave the volunteer's
    total and its points are reversed. Revoking twice is a no-op. A reason is required."""
    reason = clip(reason, 500)
    if not reason:
        raise InvalidInput(fields={"reason": [_("请填写撤销原因。")]})
    record = _locked(record_id)
    # Own first: a volunteer asking about their own record learns nothing new from a 403.
    if _is_own(actor, record):
        raise PermissionDenied(_("志愿者不能撤销自己的服务时长。"))
    if not may_confirm(actor, record):
        raise NotInScope()
    if record.status == S.REVOKED:
        return record
    was = record.status
    ServiceRecord.objects.filter(pk=record.pk, status=was).update(status=S.REVOKED)
    record.status = S.REVOKED
    if was == S.CONFIRMED:
        _move_total(record.volunteer_id, -record.hours)
        from volunteers import points

        points.reverse_for_record(record)
    _announce(record)
    _audit(
        record,
        action=A.REVOKE,
        from_status=was,
        old_hours=record.hours,
        actor=actor,
        note=reason,
    )
    return record
