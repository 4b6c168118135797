"""Every write to events: creation, edits, state transitions, plans, check-ins, compiling.

State changes follow the house pattern: read the current state, then a conditional
``UPDATE … WHERE state = <observed>``; zero rows means someone else acted first
(``InvalidTransition``). Each transition writes an ``EventStateChange`` in the same transaction
and sends ``event_state_changed`` once it commits. Permissions come from
``stations.scope.scope_for``: anything outside the caller's area is ``NotInScope`` (404).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import InvalidInput, InvalidTransition, NotInScope
from events import ical, selectors
from events.models import (
    CheckIn,
    Event,
    EventPhoto,
    EventStateChange,
    EventVolunteer,
    MonthlyPlan,
    PublishedCalendar,
    WebhookDelivery,
)
from events.months import add_months, current_month, format_month, month_bounds
from events.phone import is_mainland_mobile
from events.signals import event_state_changed, plan_submitted
from orders.models import Order, Platform, ServiceCategory
from stations.models import Position, Town, Village
from stations.scope import scope_for
from volunteers.models import Team, Volunteer

logger = logging.getLogger(__name__)

S = Event.State
EDITABLE_STATES = (S.DRAFT, S.PLANNED, S.PUBLISHED)


# --- permissions -----------------------------------------------------------------------------


def event_in_scope(user, event: Event) -> bool:
    scope = scope_for(user)
    if scope.everything:
        return True
    if event.organiser_position_id and event.organiser_position_id in scope.position_ids:
        return True
    if event.village_id:
        return scope.covers_village(event.village_id, event.town_id)
    if event.town_id:
        return scope.covers_town(event.town_id)
    return False


def _require_event_scope(user, event: Event) -> None:
    if not event_in_scope(user, event):
        raise NotInScope()


def _require_area(user, *, town: Town | None, village: Village | None) -> None:
    scope = scope_for(user)
    if village is not None:
        ok = scope.covers_village(village.pk, village.town_id)
    elif town is not None:
        ok = scope.covers_town(town.pk)
    else:
        ok = scope.everything
    if not ok:
        raise NotInScope()


def position_in_scope(user, position: Position) -> bool:
    scope = scope_for(user)
    return (
        scope.everything
        or position.pk in scope.position_ids
        or (position.village_id is not None and position.village_id in scope.village_ids)
        or (position.town_id is not None and position.town_id in scope.town_ids)
    )


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


def _transition(
    event: Event,
    *,
    actor,
    allowed_from: Iterable[str],
    to_state: str,
    note: str = "",
    **fields,
) -> Event:
    """Move ``event`` to ``to_state`` if it is still in the state we read; write the audit row."""
    allowed = set(allowed_from)
    observed = Event.objects.filter(pk=event.pk).values_list("state", flat=True).first()
    if observed not in allowed:
        raise InvalidTransition()
    now = timezone.now()
    # Conditional UPDATE: two organisers pressing "publish" at once change the row once; the
    # loser sees zero rows and gets a 409 instead of writing a second audit row.
    updated = Event.objects.filter(pk=event.pk, state=observed).update(
        state=to_state, updated_at=now, **fields
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
    _require_area(user, town=town, village=village)
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
    _require_event_scope(user, event)
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
    _require_event_scope(user, event)
    return _transition(event, actor=user, allowed_from=[S.DRAFT], to_state=S.PLANNED)


@transaction.atomic
def event_publish(*, user, event: Event) -> Event:
    """draft/planned → published: announced to residents."""
    _require_event_scope(user, event)
    return _transition(event, actor=user, allowed_from=[S.DRAFT, S.PLANNED], to_state=S.PUBLISHED)


@transaction.atomic
def event_cancel(*, user, event: Event, reason: str) -> Event:
    """Cancel an unfinished event; the reason is required and shown on the calendar."""
    _require_event_scope(user, event)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("请填写取消原因。"), fields={"reason": [_("请填写取消原因。")]})
    return _transition(
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
    volunteer_id: int
    hours: Decimal
    confirmed: bool = True


def _credit_hours(links: Iterable[EventVolunteer]) -> int:
    """Add each link's hours to its volunteer's total exactly once; returns how many credited."""
    credited = 0
    for link in links:
        if not (link.checked_in or link.confirmed) or link.hours <= 0:
            continue
        # The flag flips once, so a retried completion or a late confirmation cannot double-count.
        flipped = EventVolunteer.objects.filter(pk=link.pk, hours_credited=False).update(
            hours_credited=True
        )
        if flipped:
            Volunteer.objects.filter(pk=link.volunteer_id).update(
                hours_total=F("hours_total") + link.hours
            )
            credited += 1
    return credited


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

    Attendance is at least the number of check-ins. Hours are credited to volunteers who checked
    in or whom the organiser confirms. Raises ``InvalidInput`` before the event has started or
    for negative numbers, ``InvalidTransition`` from any other state.
    """
    _require_event_scope(user, event)
    if event.start > timezone.now():
        raise InvalidInput(_("活动尚未开始，不能标记为完成。"))
    if attendance is not None and attendance < 0:
        raise InvalidInput(_("参与人数不能为负数。"), fields={"attendance": [_("不能为负数。")]})
    served = list(volunteers)
    for item in served:
        if item.hours < 0 or item.hours > Decimal("24"):
            raise InvalidInput(_("服务时长应在 0 到 24 小时之间。"))
    known = set(
        Volunteer.objects.filter(pk__in=[v.volunteer_id for v in served]).values_list(
            "pk", flat=True
        )
    )
    if len(known) != len({v.volunteer_id for v in served}):
        raise InvalidInput(_("志愿者不存在。"))
    checkins = CheckIn.objects.filter(event=event).count()
    event = _transition(
        event,
        actor=user,
        allowed_from=[S.PLANNED, S.PUBLISHED],
        to_state=S.DONE,
        attendance=max(attendance or 0, checkins),
        results_note=(results_note or "").strip(),
        completed_at=timezone.now(),
    )
    for item in served:
        link, created = EventVolunteer.objects.get_or_create(
            event=event,
            volunteer_id=item.volunteer_id,
            defaults={"hours": item.hours, "confirmed": item.confirmed},
        )
        if not created:
            EventVolunteer.objects.filter(pk=link.pk).update(
                hours=item.hours, confirmed=link.confirmed or item.confirmed
            )
    _credit_hours(EventVolunteer.objects.filter(event=event, hours_credited=False))
    return event


@transaction.atomic
def event_volunteer_confirm(
    *, user, event: Event, volunteer: Volunteer, hours: Decimal
) -> EventVolunteer:
    """The organiser confirms a volunteer served; once the event is done, the hours count."""
    _require_event_scope(user, event)
    if hours < 0 or hours > Decimal("24"):
        raise InvalidInput(_("服务时长应在 0 到 24 小时之间。"))
    if event.state == S.CANCELLED:
        raise InvalidTransition(_("活动已取消。"))
    link, created = EventVolunteer.objects.get_or_create(
        event=event, volunteer=volunteer, defaults={"hours": hours, "confirmed": True}
    )
    if not created and not link.hours_credited:
        EventVolunteer.objects.filter(pk=link.pk).update(hours=hours, confirmed=True)
    link.refresh_from_db()
    if event.state == S.DONE:
        _credit_hours([link])
        link.refresh_from_db()
    return link


@transaction.atomic
def event_from_order(*, user, order: Order) -> Event:
    """Record a completed order as an activity (so "practice" counts both), already done.

    The volunteer's hours were credited when the order was completed, so the link is marked
    credited here. Raises ``InvalidTransition`` unless the order is completed or rated, or when
    it was recorded already.
    """
    _require_area(user, town=order.town, village=order.village)
    if order.status not in (Order.Status.COMPLETED, Order.Status.RATED):
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
            confirmed=True,
            hours_credited=True,
        )
    _record_change(event, from_state="", to_state=S.DONE, actor=user, note=order.number)
    return event


# --- monthly plans -----------------------------------------------------------------------------


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
    start, end = month_bounds(month)
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
            _transition(event, actor=user, allowed_from=[S.DRAFT], to_state=S.PLANNED)
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


# --- check-in ----------------------------------------------------------------------------------

CHECKIN_STATES = (S.PLANNED, S.PUBLISHED, S.DONE)


@dataclass(frozen=True)
class CheckInResult:
    checkin: CheckIn
    created: bool


def _bump_attendance(event: Event) -> None:
    count = CheckIn.objects.filter(event=event).count()
    Event.objects.filter(pk=event.pk).update(attendance=Greatest(F("attendance"), count))


def _check_checkin_open(event: Event) -> None:
    if event.state not in CHECKIN_STATES:
        raise InvalidTransition(_("该活动当前不能签到。"))
    today = timezone.localdate()
    if timezone.localtime(event.start).date() > today:
        raise InvalidTransition(_("活动尚未开始，请在活动当天签到。"))


def checkin_resident(*, event: Event, name: str, phone: str) -> CheckInResult:
    """A resident checks in with name and phone; a repeat (same phone) is ignored."""
    name = (name or "").strip()
    phone = (phone or "").strip()
    errors = {}
    if not name:
        errors["name"] = [_("请填写姓名。")]
    if not is_mainland_mobile(phone):
        errors["phone"] = [_("请输入 11 位大陆手机号。")]
    if errors:
        raise InvalidInput(_("请检查姓名和手机号。"), fields=errors)
    _check_checkin_open(event)
    with transaction.atomic():
        # The unique constraint (event, phone) is the arbiter: two scans at once insert once.
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(event=event, name=name, phone=phone)
            created = True
        except IntegrityError:
            checkin = CheckIn.objects.get(event=event, phone=phone)
            created = False
        if created:
            _bump_attendance(event)
    return CheckInResult(checkin, created)


def checkin_volunteer(*, event: Event, user) -> CheckInResult:
    """A volunteer checks in with their login; their hours at the event can now count."""
    volunteer = Volunteer.objects.filter(user=user).first()
    if volunteer is None:
        raise InvalidInput(_("您的账号未登记为志愿者，请以群众身份签到。"))
    _check_checkin_open(event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(
                    event=event,
                    name=volunteer.name,
                    phone=volunteer.phone if is_mainland_mobile(volunteer.phone) else "",
                    volunteer=volunteer,
                    user=user,
                )
            created = True
        except IntegrityError:
            checkin = (
                CheckIn.objects.filter(event=event)
                .filter(Q(user=user) | Q(phone=volunteer.phone, phone__gt=""))
                .first()
            )
            created = False
        default_hours = Decimal(
            max(1, round((event.end - event.start).total_seconds() / 1800)) / 2
        ).quantize(Decimal("0.1"))
        link, link_created = EventVolunteer.objects.get_or_create(
            event=event,
            volunteer=volunteer,
            defaults={"hours": min(default_hours, Decimal("24")), "checked_in": True},
        )
        if not link_created and not link.checked_in:
            EventVolunteer.objects.filter(pk=link.pk).update(checked_in=True)
            link.checked_in = True
        if created:
            _bump_attendance(event)
        if event.state == S.DONE:
            _credit_hours([link])
    return CheckInResult(checkin, created)


# --- compile and publish the monthly calendar --------------------------------------------------


@dataclass(frozen=True)
class CompileResult:
    calendar: PublishedCalendar
    created: bool


def _month_lock(month: dt.date) -> None:
    """Serialise compiles of one month. PostgreSQL: a transaction-scoped advisory lock, so a
    second compile waits and then sees the first one's version; SQLite serialises writers."""
    if connection.vendor == "postgresql":
        key = 0x57454E00 + month.year * 100 + month.month  # "WEN" + yyyymm: stable, unique
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def calendar_compile(
    *, month: dt.date, progress: Callable[[int, int], None] | None = None
) -> CompileResult:
    """Compile ``month``'s city-wide calendar into a new ``PublishedCalendar`` if it changed.

    Idempotent: when the content hash equals the latest version's, nothing is written. Atomic:
    a failure anywhere leaves the previous version. Concurrent runs are serialised by a
    per-month lock (and the unique constraints as a backstop), so they publish one version.
    Gathering happens after taking the lock so a later run never publishes older data.
    """
    with transaction.atomic():
        _month_lock(month)
        events = selectors.calendar_events(month)
        total = len(events)
        items = []
        for index, event in enumerate(events, 1):
            items.append(ical.event_item(event))
            if progress and (index % 200 == 0 or index == total):
                progress(index, total)
        if progress and total == 0:
            progress(0, 0)
        content_hash = ical.content_hash(items)
        latest = PublishedCalendar.objects.filter(month=month).order_by("-version").first()
        if latest is not None and latest.content_hash == content_hash:
            return CompileResult(latest, False)
        same = PublishedCalendar.objects.filter(month=month, content_hash=content_hash).first()
        if same is not None:
            # The content went back to an earlier version's exactly (rare: names edited back).
            # The hash is unique per month, so keep that version rather than fail.
            logger.warning("calendar %s reverted to version %s", month, same.version)
            return CompileResult(same, False)
        version = (latest.version + 1) if latest else 1
        created_at = timezone.now()
        payload = ical.calendar_payload(
            month=month,
            version=version,
            content_hash=content_hash,
            items=items,
            generated_at=created_at,
        )
        calendar = PublishedCalendar.objects.create(
            month=month,
            version=version,
            content_hash=content_hash,
            event_count=len(items),
            counts_by_town=payload["counts_by_town"],
            counts_by_category=payload["counts_by_category"],
            json_text=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            ics_text=ical.render_ics(
                items,
                name=_("文明实践活动月历 %(month)s") % {"month": format_month(month)},
                dtstamp=created_at,
            ),
        )
        _queue_webhooks(calendar)
    return CompileResult(calendar, True)


def calendar_compile_next_month() -> CompileResult:
    return calendar_compile(month=add_months(current_month(), 1))


def calendar_compile_current_month() -> CompileResult:
    return calendar_compile(month=current_month())


# --- webhook -----------------------------------------------------------------------------------

SIGNATURE_HEADER = "X-Wenming-Signature"


def webhook_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _queue_webhooks(calendar: PublishedCalendar) -> None:
    urls = list(settings.WENMING_CALENDAR_WEBHOOK_URLS)
    if not urls:
        return
    deliveries = [
        WebhookDelivery.objects.get_or_create(calendar=calendar, url=url)[0] for url in urls
    ]
    ids = [d.pk for d in deliveries]

    def enqueue() -> None:
        from events.tasks import deliver_webhook

        for delivery_id in ids:
            try:
                deliver_webhook.delay(delivery_id)
            except Exception:  # broker down: the admin's "retry" action sends it later
                logger.exception("could not queue webhook delivery %s", delivery_id)

    # Only after commit: a rolled-back compile must not announce a version that never existed.
    transaction.on_commit(enqueue)


def webhook_deliver(*, delivery_id: int, final: bool = False, timeout: float = 10) -> bool:
    """POST the calendar's JSON to the delivery's URL, signed with HMAC-SHA256.

    Returns True on a 2xx answer. Records the attempt; ``final`` marks a failure as given up
    (the task passes it on its last retry). Never raises for network errors.
    """
    delivery = WebhookDelivery.objects.select_related("calendar").get(pk=delivery_id)
    if delivery.status == WebhookDelivery.Status.SUCCEEDED:
        return True
    body = delivery.calendar.json_text.encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Wenming-Calendar/1.0",
        "X-Wenming-Month": format_month(delivery.calendar.month),
        "X-Wenming-Version": str(delivery.calendar.version),
    }
    secret = settings.WENMING_CALENDAR_WEBHOOK_SECRET
    if secret:
        headers[SIGNATURE_HEADER] = webhook_signature(body, secret)
    now = timezone.now()
    code, error = None, ""
    if not delivery.url.lower().startswith(("http://", "https://")):
        error = "unsupported URL scheme"
    else:
        request = urllib.request.Request(delivery.url, data=body, headers=headers, method="POST")  # noqa: S310 (URL from settings, scheme checked above)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                code = response.status
        except urllib.error.HTTPError as exc:
            code, error = exc.code, f"HTTP {exc.code}"
        except (urllib.error.URLError, OSError) as exc:
            error = str(getattr(exc, "reason", exc))[:500]
    ok = code is not None and 200 <= code < 300
    if ok:
        status = WebhookDelivery.Status.SUCCEEDED
    elif final:
        status = WebhookDelivery.Status.FAILED
    else:
        status = WebhookDelivery.Status.PENDING
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + 1,
        response_code=code,
        last_error="" if ok else error or f"HTTP {code}",
        last_attempt_at=now,
        delivered_at=now if ok else None,
    )
    return ok


def webhook_retry(*, delivery: WebhookDelivery) -> None:
    """Queue a failed delivery again (admin action)."""
    from events.tasks import deliver_webhook

    WebhookDelivery.objects.filter(pk=delivery.pk).exclude(
        status=WebhookDelivery.Status.SUCCEEDED
    ).update(status=WebhookDelivery.Status.PENDING)
    transaction.on_commit(lambda: deliver_webhook.delay(delivery.pk))


# --- photos ------------------------------------------------------------------------------------


@transaction.atomic
def event_photo_add(*, user, event: Event, image, caption: str = "") -> EventPhoto:
    """Attach a validated image (type, size, Pillow-readable) to an event in the user's area."""
    from django.core.exceptions import ValidationError

    _require_event_scope(user, event)
    photo = EventPhoto(event=event, image=image, caption=caption.strip(), uploaded_by=user)
    try:
        photo.full_clean()
    except ValidationError as exc:
        raise InvalidInput(_("照片无效。"), fields=exc.message_dict) from exc
    photo.save()
    return photo
