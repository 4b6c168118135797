"""Reads for events: the calendar's events, published versions, admin lists, plan overviews."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from core.months import bounds
from core.stored import LocalBlobs
from events.models import (
    Event,
    EventPhoto,
    EventStateChange,
    EventVolunteer,
    MonthlyPlan,
    PublishedCalendar,
)
from stations.models import Position
from stations.scope import scope_for
from volunteers.models import ServiceRecord

S = Event.State
# Done events stay in their month's calendar: a nightly recompile of the current month must not
# drop the events that already happened.
CALENDAR_STATES = (S.PLANNED, S.PUBLISHED, S.DONE)


def calendar_queryset() -> QuerySet[Event]:
    return Event.objects.select_related(
        "category",
        "platform",
        "town",
        "village",
        "organiser_position",
        "organiser_team",
        "venue_position",
    )


def with_photos(events: QuerySet[Event]) -> QuerySet[Event]:
    """``events`` with the photos their pages show, in upload order (one more query)."""
    return events.prefetch_related(Prefetch("photos", queryset=EventPhoto.objects.order_by("id")))


def event_volunteers(event: Event) -> QuerySet[EventVolunteer]:
    """The volunteers linked to ``event`` (signed up, checked in or confirmed), as on its page."""
    return EventVolunteer.objects.filter(event=event).select_related("volunteer").order_by("id")


def pending_hours_count(event: Event) -> int:
    """How many of the event's service records still wait for the organiser's confirmation."""
    return ServiceRecord.objects.filter(
        source_kind=ServiceRecord.SourceKind.EVENT,
        source_id=event.pk,
        status=ServiceRecord.Status.PENDING,
    ).count()


CALENDAR_FIELDS = (
    "id",
    "title",
    "description",
    "state",
    "cancel_reason",
    "start",
    "end",
    "updated_at",
    "audience",
    "venue_address",
    "category_id",
    "category__name",
    "category__name_en",
    "platform_id",
    "platform__name",
    "platform__name_en",
    "town_id",
    "town__name",
    "village_id",
    "village__name",
    "organiser_position__name",
    "organiser_team__name",
    "venue_position__name",
    "venue_position__address",
)


def calendar_events(month: dt.date) -> list[dict]:
    """Every event of ``month`` (local time) that belongs in the published calendar.

    One dict per event with ``CALENDAR_FIELDS``. Planned, published and done events, plus
    cancelled ones that had been announced (planned
    or published before), which the calendar keeps with STATUS:CANCELLED so subscribers see
    the cancellation. Recorded orders (``source_order``) are practice, not calendar entries.
    """
    start, end = bounds(month)
    announced = EventStateChange.objects.filter(
        event=OuterRef("pk"), to_state__in=[S.PLANNED, S.PUBLISHED]
    )
    # Plain rows rather than model instances: a month has ~1,000 events with seven joined
    # relations, and building those objects cost ten times the query itself.
    return list(
        Event.objects.filter(start__gte=start, start__lt=end, source_order__isnull=True)
        .filter(Q(state__in=CALENDAR_STATES) | Q(Exists(announced), state=S.CANCELLED))
        .order_by("start", "id")
        .values(*CALENDAR_FIELDS)
    )


# A published version never changes: each worker keeps the last few it served, parsed and as
# bytes, instead of reading and parsing ~700 KB of JSON on every request. Keyed by id and hash
# (a test database may reuse an id after a rollback).
_VERSIONS = LocalBlobs(size=12)
_TEXTS = ("json_text", "ics_text")


def latest_calendar(month: dt.date) -> PublishedCalendar | None:
    """The month's latest version, without its texts (``calendar_data`` and ``calendar_bytes``
    fetch them once per worker): its id, hash and time are what a validator needs."""
    return PublishedCalendar.objects.filter(month=month).defer(*_TEXTS).order_by("-version").first()


def latest_calendars(months: list[dt.date]) -> list[PublishedCalendar]:
    """The latest version of each of ``months`` that has one, in one query (texts deferred)."""
    rows = (
        PublishedCalendar.objects.filter(month__in=months)
        .defer(*_TEXTS)
        .order_by("month", "-version")
        .distinct()
    )
    seen: dict[dt.date, PublishedCalendar] = {}
    for row in rows:
        seen.setdefault(row.month, row)
    return [seen[m] for m in sorted(seen)]


def _text(calendar: PublishedCalendar, field: str) -> str:
    if field in calendar.get_deferred_fields():
        return PublishedCalendar.objects.values_list(field, flat=True).get(pk=calendar.pk)
    return getattr(calendar, field)


def calendar_data(calendar: PublishedCalendar) -> dict:
    """The version's JSON, parsed. Shared between requests: callers must not change it."""

    def load() -> dict:
        data = json.loads(_text(calendar, "json_text"))
        for item in data["events"]:
            item.setdefault("sequence", 0)  # versions published before SEQUENCE was recorded
        return data

    if calendar.pk is None:
        return load()
    return _VERSIONS.get(("data", calendar.pk, calendar.content_hash), load)


def calendar_bytes(calendar: PublishedCalendar) -> bytes:
    """The version's JSON as the API serves it (``calendar_data``, encoded once per worker)."""

    def load() -> bytes:
        text = _text(calendar, "json_text")
        if all("sequence" in item for item in calendar_data(calendar)["events"]):
            return text.encode()
        return json.dumps(calendar_data(calendar), ensure_ascii=False).encode()

    return _VERSIONS.get(("json", calendar.pk, calendar.content_hash), load)


def calendar_ics_bytes(calendar: PublishedCalendar) -> bytes:
    return _VERSIONS.get(
        ("ics", calendar.pk, calendar.content_hash), lambda: _text(calendar, "ics_text").encode()
    )


def events_for_user(user) -> QuerySet[Event]:
    """Events a login manages: its area's events plus those its stations organise."""
    scope = scope_for(user)
    qs = calendar_queryset()
    if scope.everything:
        return qs
    q = scope.q()
    if scope.position_ids:
        q |= Q(organiser_position_id__in=scope.position_ids)
    return qs.filter(q)


def public_events() -> QuerySet[Event]:
    """Events anyone may see: everything but drafts."""
    return calendar_queryset().exclude(state=S.DRAFT)


@dataclass
class PlanRow:
    position: Position
    plan: MonthlyPlan | None
    event_count: int

    @property
    def submitted(self) -> bool:
        return self.plan is not None and self.plan.status == MonthlyPlan.Status.SUBMITTED


def plan_overview(user, month: dt.date) -> list[PlanRow]:
    """Each station in the login's area with its plan for ``month`` (3 queries in all)."""
    scope = scope_for(user)
    stations = Position.objects.filter(level=Position.Level.STATION, is_active=True).select_related(
        "town", "village"
    )
    if not scope.everything:
        stations = stations.filter(
            Q(pk__in=scope.position_ids)
            | Q(village_id__in=scope.village_ids)
            | Q(town_id__in=scope.town_ids)
        )
    start, end = bounds(month)
    stations = stations.annotate(
        month_events=Count(
            "organised_events",
            filter=Q(
                organised_events__start__gte=start,
                organised_events__start__lt=end,
            )
            & ~Q(organised_events__state=S.CANCELLED),
        )
    ).order_by("town__sort_order", "town__name", "village__name")
    stations = list(stations)
    plans = {
        p.position_id: p
        for p in MonthlyPlan.objects.filter(month=month, position__in=[s.pk for s in stations])
    }
    return [PlanRow(s, plans.get(s.pk), s.month_events) for s in stations]


def position_month_events(position: Position, month: dt.date) -> QuerySet[Event]:
    start, end = bounds(month)
    return (
        calendar_queryset()
        .filter(organiser_position=position, start__gte=start, start__lt=end)
        .order_by("start", "id")
    )


def visible_events(user) -> QuerySet[Event]:
    """What a login may read: every non-draft event, plus drafts in its area."""
    scope = scope_for(user)
    if scope.everything:
        return calendar_queryset()
    q = ~Q(state=S.DRAFT)
    if scope.is_admin:
        q |= scope.q()
        if scope.position_ids:
            q |= Q(organiser_position_id__in=scope.position_ids)
    return calendar_queryset().filter(q)
