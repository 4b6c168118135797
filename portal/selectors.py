"""Reads for the public home page and the station head's "today" page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from core.months import add_months, bounds, first_of
from events.models import Event, MonthlyPlan
from orders import selectors as order_selectors
from orders.models import MenuItem, Order
from stations.models import Position, Town, Village
from stations.scope import scope_for
from volunteers.models import Volunteer, VolunteerApplication

HOME_STATS_SECONDS = 300


def home_stats() -> dict:
    """The network at a glance, kept five minutes in the shared cache: five counts over the
    whole network on every visit to the home page cost more than the rest of the page (and
    grow with the province), while the figures move a few times a day."""
    return cache.get_or_set("portal:home_stats", count_home_stats, HOME_STATS_SECONDS)


def count_home_stats() -> dict:
    """What 全覆盖 means in numbers."""
    villages = Village.objects.aggregate(
        total=Count("id"), with_station=Count("id", filter=Q(positions__level="station"))
    )
    return {
        "towns": Town.objects.count(),
        "villages": villages["total"],
        "stations": villages["with_station"],
        "volunteers": Volunteer.objects.filter(is_active=True).count(),
        "menu_items": MenuItem.objects.filter(is_active=True).count(),
    }


# --- the station head's "today" page -----------------------------------------------------------

WAITING_SHOWN = 20
APPLICATIONS_SHOWN = 5


@dataclass
class PlanStatus:
    month: dt.date
    plan: MonthlyPlan | None
    events: int
    drafts: int  # draft events of the month: not in the calendar until "列入计划"

    @property
    def submitted(self) -> bool:
        return self.plan is not None and self.plan.status == MonthlyPlan.Status.SUBMITTED


@dataclass
class StationToday:
    station: Position
    waiting: list[Order]
    counts: dict[str, int]
    follow_ups: int
    events: list[Event]
    plans: list[PlanStatus]
    # Volunteer applications from the village waiting for a decision (the first few, and all).
    applications: list[VolunteerApplication]
    applications_count: int


def stations_headed(user) -> list[Position]:
    """The stations this login heads (a role or the station's head login)."""
    scope = scope_for(user)
    if not scope.position_ids:
        return []
    return list(
        Position.objects.filter(pk__in=scope.position_ids, level=Position.Level.STATION)
        .select_related("village", "town")
        .order_by("town__sort_order", "village__name", "pk")
    )


def station_today(station: Position, *, now: dt.datetime | None = None) -> StationToday:
    """What a station head acts on today, in a fixed number of queries: orders waiting for
    them (overdue first), today's events with their check-ins, this and next month's plans."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    orders = Order.objects.filter(village_id=station.village_id)
    waiting = list(
        order_selectors.overdue_first(
            orders.filter(status__in=Order.WAITING).select_related("menu_item", "category"),
            now=now,
        )[:WAITING_SHOWN]
    )
    counts = order_selectors.status_counts(orders)
    follow_ups = orders.filter(needs_follow_up=True).count()

    day_start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    day_end = day_start + dt.timedelta(days=1)
    events = list(
        Event.objects.filter(
            Q(organiser_position=station) | Q(village_id=station.village_id),
            start__lt=day_end,
            end__gte=day_start,
        )
        .exclude(state=Event.State.CANCELLED)
        .select_related("category")
        .annotate(checkin_count=Count("checkins", distinct=True))
        .order_by("start", "pk")
    )

    this_month = first_of(today)
    months = [this_month, add_months(this_month, 1)]
    plans = {p.month: p for p in MonthlyPlan.objects.filter(position=station, month__in=months)}
    start, _end = bounds(months[0])
    _start, end = bounds(months[1])
    per_month: dict[dt.date, dict[str, int]] = {m: {"events": 0, "drafts": 0} for m in months}
    rows = (
        Event.objects.filter(organiser_position=station, start__gte=start, start__lt=end)
        .exclude(state=Event.State.CANCELLED)
        .values_list("start", "state")
    )
    # One query: a village's pending applications are a handful (one per phone).
    applications = list(
        VolunteerApplication.objects.filter(
            village_id=station.village_id, status=VolunteerApplication.Status.PENDING
        ).order_by("created_at", "pk")[:100]
    )
    for start_at, state in rows:
        month = first_of(timezone.localdate(start_at))
        if month in per_month:
            per_month[month]["events"] += 1
            per_month[month]["drafts"] += state == Event.State.DRAFT
    return StationToday(
        station=station,
        waiting=waiting,
        counts=counts,
        follow_ups=follow_ups,
        events=events,
        plans=[PlanStatus(m, plans.get(m), **per_month[m]) for m in months],
        applications=applications[:APPLICATIONS_SHOWN],
        applications_count=len(applications),
    )
