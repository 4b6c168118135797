"""Demo service records for the year of orders and events (``seed_demo`` step ``hours``).

The orders and events steps say who served; this step records it as the real paths do
(``orders.services._record_hours``, ``events.hours.record_for``): a record per completed order
and per volunteer of a finished event, pending until confirmed. An order's hours are confirmed
by the resident's rating (or, for some older unrated ones, by the station); an event's by its
organiser, most within days, a few still waiting (some for over a month: the organiser's
overdue list). Written in bulk by ``volunteers.demo_hours.write_history`` with the audit rows,
the points and the totals the services write. Deterministic from ``ctx.rng`` and ``ctx.now``.

Events step runs first (this module sits in the events app because it reads orders and events;
``volunteers`` may read neither).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from events.models import Event, EventVolunteer
from orders.models import MenuItem, Order, ServiceCategory
from stations.demo import ARTICLE_TOWN, ARTICLE_VILLAGE
from stations.models import Position, Village
from volunteers.demo_hours import demo_organiser, write_history
from volunteers.models import ServiceRecord

if TYPE_CHECKING:  # type only: events must not depend on portal at run time
    from portal.seeding import SeedContext

S = ServiceRecord.Status
RATED_BY = "群众评价"  # as orders.services.order_rate labels the rating's confirmation
EVENT_PENDING = 0.06  # share of finished events' hours the organiser has not confirmed yet
UNRATED_CONFIRMED = 0.5  # share of older unrated orders the station confirmed instead


def seed_hours(ctx: SeedContext) -> None:
    rng = ctx.rng
    now = ctx.now
    organiser = demo_organiser()
    # Read as tuples: model instances for ~45,000 rows would be most of the step's time.
    stations = dict(
        Position.objects.filter(level=Position.Level.STATION)
        .order_by("id")
        .values_list("village_id", "id")
    )
    positions = dict(Position.objects.values_list("id", "name"))
    villages = dict(Village.objects.values_list("id", "name"))
    categories = {
        pk: (name, rate)
        for pk, name, rate in ServiceCategory.objects.values_list("id", "name", "points_per_hour")
    }
    menu = dict(MenuItem.objects.values_list("id", "title"))
    article_village = (
        Village.objects.filter(name=ARTICLE_VILLAGE, town__name=ARTICLE_TOWN)
        .values_list("id", flat=True)
        .first()
    )
    rows: list[ServiceRecord] = []

    def confirm_by_organiser(record: ServiceRecord, after: dt.datetime, days: int) -> None:
        record.status = S.CONFIRMED
        record.confirmed_at = min(now, after + dt.timedelta(hours=rng.randint(1, 24 * days)))
        record.confirmed_by = organiser

    orders = (
        Order.objects.filter(
            status__in=Order.SERVED, accepted_by__isnull=False, hours__isnull=False
        )
        .order_by("id")
        .values_list(
            "id",
            "number",
            "status",
            "accepted_by_id",
            "accepted_team_id",
            "menu_item_id",
            "category_id",
            "village_id",
            "town_id",
            "service_date",
            "hours",
            "completed_at",
            "rated_at",
        )
    )
    for row in ctx.progress(orders, len(orders), gettext("时长")):
        (pk, number, status, volunteer_id, team_id, item_id, category_id, village_id, town_id,
         day, hours, completed, rated) = row  # fmt: skip
        completed = completed or now
        category, rate = categories[category_id]
        # As orders.services._record_hours: the volunteer's completion records the hours.
        record = ServiceRecord(
            volunteer_id=volunteer_id,
            source_kind=ServiceRecord.SourceKind.ORDER,
            source_id=pk,
            source_label=number,
            content=menu[item_id][:200],
            category=category,
            place=villages[village_id],
            service_date=day or timezone.localdate(completed),
            hours=hours,
            points_rate=rate,
            town_id=town_id,
            village_id=village_id,
            organiser_position_id=stations.get(village_id),
            organiser_team_id=team_id,
            recorded_at=completed,
        )
        if status == Order.Status.RATED:
            record.status = S.CONFIRMED
            record.confirmed_at = rated or completed
            record.confirmed_label = RATED_BY
        elif now - completed > dt.timedelta(days=14) and rng.random() < UNRATED_CONFIRMED:
            confirm_by_organiser(record, completed, days=10)
        rows.append(record)

    links = (
        EventVolunteer.objects.filter(
            event__state=Event.State.DONE, event__source_order__isnull=True
        )
        .order_by("event_id", "volunteer_id")
        .values_list(
            "id",
            "volunteer_id",
            "hours",
            "checked_in",
            "event_id",
            "event__title",
            "event__start",
            "event__end",
            "event__venue_address",
            "event__venue_position_id",
            "event__village_id",
            "event__town_id",
            "event__organiser_position_id",
            "event__organiser_team_id",
            "event__category_id",
        )
    )
    pending_links: list[int] = []
    overdue = dt.timedelta(days=settings.WENMING_HOURS_PENDING_DAYS)
    article_overdue = False
    for row in ctx.progress(links, len(links), gettext("时长")):
        (link_id, volunteer_id, hours, checked_in, event_id, title, start, end, address,
         venue_id, village_id, town_id, position_id, team_id, category_id) = row  # fmt: skip
        category, rate = categories[category_id]
        # As events.hours.record_for: a self check-in records the hours, else the organiser.
        record = ServiceRecord(
            volunteer_id=volunteer_id,
            source_kind=ServiceRecord.SourceKind.EVENT,
            source_id=event_id,
            source_label=gettext("活动") + f" #{event_id}",
            content=title[:200],
            category=category,
            place=(address or positions.get(venue_id) or villages.get(village_id) or "")[:200],
            service_date=timezone.localdate(start),
            hours=hours,
            points_rate=rate,
            town_id=town_id,
            village_id=village_id,
            organiser_position_id=position_id,
            organiser_team_id=team_id,
            recorded_by=None if checked_in else organiser,
            recorded_at=end,
        )
        # The article's station always has hours waiting past the deadline, so its head's
        # overdue list (/hours/overdue/) is never empty in the demo.
        if village_id == article_village and now - end > overdue and not article_overdue:
            article_overdue = True
        elif rng.random() >= EVENT_PENDING:
            confirm_by_organiser(record, end, days=3)
        if record.status == S.PENDING:
            pending_links.append(link_id)
        rows.append(record)

    counts = write_history(rows)
    # The event's list of who served mirrors the records (``events.hours.mirror``).
    for start in range(0, len(pending_links), 2000):
        EventVolunteer.objects.filter(pk__in=pending_links[start : start + 2000]).update(
            confirmed=False, hours_credited=False
        )
    ctx.stdout.write(
        "  "
        + gettext(
            "%(records)s 条志愿服务记录（%(confirmed)s 条已确认），%(changes)s 条变更记录，"
            "%(entries)s 条积分明细"
        )
        % counts
    )
