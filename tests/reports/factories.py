"""Build orders and events in a given state at given moments, for report fixtures.

Reports only read: they care about the timestamps and statuses the workflow leaves behind, so
these helpers write those rows directly and then run the rollup refresh the workflow's change
would queue (``notify``), exactly once per object, as the task does after the commit.
"""

import datetime as dt
import itertools
import uuid
from decimal import Decimal
from zoneinfo import ZoneInfo

from events.models import Event, EventVolunteer, MonthlyPlan
from orders.models import Order, OrderStatusChange
from reports import services
from tests.factories import VolunteerFactory
from volunteers.models import ServiceRecord, Volunteer

SH = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(y, m, d, hh=12, mm=0) -> dt.datetime:
    """A moment in Asia/Shanghai."""
    return dt.datetime(y, m, d, hh, mm, tzinfo=SH)


def make_order(
    *,
    village,
    menu_item,
    status=Order.Status.OPEN,
    created_at,
    accepted_at=None,
    completed_at=None,
    rated_at=None,
    closed_at=None,
    stars=None,
    hours=None,
    accepted_by=None,
    accepted_team=None,
    history=None,
    hours_confirmed=True,
    channel=Order.Channel.WEB,
    tier=Order.Tier.VILLAGE,
    notify=True,
) -> Order:
    """An order in ``status`` with its timestamps and its status-change rows: by default the
    straight path (submitted, accepted, completed, rated, or closed, at the given moments);
    ``history`` gives the rows instead, as (to_status, moment) pairs, e.g. with a release.
    ``channel`` is the door it came in by, ``tier`` the tier it climbed to (and kept)."""
    order = Order.objects.create(
        number=f"T{next(_numbers):08d}",
        tracking_token=uuid.uuid4().hex,
        village=village,
        town=village.town,
        menu_item=menu_item,
        category=menu_item.category,
        name="李大娘",
        phone="13812341234",
        accepted_by=accepted_by,
        accepted_team=accepted_team,
        hours=None if hours is None else Decimal(str(hours)),
        stars=stars,
    )
    # status, created_at, channel and tier are not editable through the model; set them as the
    # workflow would.
    Order.objects.filter(pk=order.pk).update(
        status=status,
        channel=channel,
        tier=tier,
        created_at=created_at,
        accepted_at=accepted_at,
        completed_at=completed_at,
        rated_at=rated_at,
        closed_at=closed_at,
    )
    if history is None:
        history = [(Order.Status.SUBMITTED, created_at)]
        if accepted_at:
            history.append((Order.Status.ACCEPTED, accepted_at))
        if completed_at and status in (Order.Status.COMPLETED, Order.Status.RATED):
            history.append((Order.Status.COMPLETED, completed_at))
        if rated_at and status == Order.Status.RATED:
            history.append((Order.Status.RATED, rated_at))
        if status in (Order.Status.CANCELLED, Order.Status.REJECTED):
            history.append((status, closed_at or created_at))
        elif status == Order.Status.OPEN:
            history.append((status, created_at))
    write_history(order, history)
    order.refresh_from_db()
    if hours and hours_confirmed and status in Order.SERVED:
        # As the rating or the station head's confirmation leaves it: a confirmed record.
        ServiceRecord.objects.create(
            # Off the register: the reports count active volunteers, this one must not move them.
            volunteer=accepted_by
            or Volunteer.objects.order_by("id").first()
            or VolunteerFactory(home_village=village, is_active=False),
            source_kind=ServiceRecord.SourceKind.ORDER,
            source_id=order.pk,
            content=menu_item.title,
            service_date=(completed_at or created_at).date(),
            hours=Decimal(str(hours)),
            status=ServiceRecord.Status.CONFIRMED,
            confirmed_at=completed_at or created_at,
        )
    if notify:
        services.refresh_order(order_id=order.pk)
    return order


def write_history(order, history) -> None:
    """Replace the order's status-change rows with ``history`` ((to_status, moment) pairs)."""
    OrderStatusChange.objects.filter(order=order).delete()
    previous = ""
    rows = []
    for to_status, _moment in history:
        rows.append(OrderStatusChange(order=order, from_status=previous, to_status=to_status))
        previous = to_status
    # created_at is stamped on insert; the history's own moments are set afterwards.
    created = OrderStatusChange.objects.bulk_create(rows)
    for row, (_, moment) in zip(created, history, strict=True):
        row.created_at = moment
    OrderStatusChange.objects.bulk_update(created, ["created_at"])


def make_event(
    *, village, category, start, end, state=Event.State.DONE, attendance=0, team=None, notify=True
) -> Event:
    event = Event.objects.create(
        title="文明实践活动",
        category=category,
        village=village,
        town=village.town if village else None,
        start=start,
        end=end,
        attendance=attendance,
        organiser_team=team,
    )
    Event.objects.filter(pk=event.pk).update(state=state)
    event.refresh_from_db()
    if notify:
        services.refresh_event(event_id=event.pk, village_id=event.village_id)
    return event


def add_helper(event, volunteer, hours, *, confirmed=True, checked_in=False, notify=True):
    link = EventVolunteer.objects.create(
        event=event,
        volunteer=volunteer,
        hours=Decimal(str(hours)),
        confirmed=confirmed,
        checked_in=checked_in,
        # What the organiser's confirmation of the service record sets (events.hours).
        hours_credited=confirmed and Decimal(str(hours)) > 0,
    )
    if notify:
        services.refresh_event(event_id=event.pk, village_id=event.village_id)
    return link


def submit_plan(position, month: dt.date, *, submitted=True):
    return MonthlyPlan.objects.create(
        position=position,
        month=month,
        status=MonthlyPlan.Status.SUBMITTED if submitted else MonthlyPlan.Status.DRAFT,
        submitted_at=at(month.year, month.month, 1) if submitted else None,
    )


def serve_hongqi_in_october(october, menu_item):
    """红旗村 (a gap of the ``october`` fixture) served on 3 October 2026 by 团结村's team."""
    return make_order(
        village=october["hongqi"],
        menu_item=menu_item,
        status="completed",
        created_at=at(2026, 10, 2),
        accepted_at=at(2026, 10, 2, 13),
        completed_at=at(2026, 10, 3),
        hours=1,
        accepted_team=october["team"],
    )
