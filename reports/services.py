"""Writes to the report rollups: incremental refresh after a transition, and full rebuilds.

Both paths go through ``aggregate_rollup`` so that an incremental refresh of one village and a
rebuild of the whole city compute each row the same way. The rows are always recomputed from
the base tables, never incremented, so that a refresh is idempotent and a lost signal is healed
by the next refresh or the nightly rebuild.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from core.months import TZ, bounds, month_of
from events.models import Event, EventVolunteer
from orders.models import Order, OrderStatusChange
from reports import cache as report_cache
from reports import figures
from reports.models import OrderFact, TownMonth, VillageMonthCategory
from stations.models import Town, Village
from volunteers.models import ServiceRecord
from wishes.models import Wish

logger = logging.getLogger(__name__)

COUNTERS = [
    "orders_received",
    "orders_accepted",
    "orders_completed",
    "orders_rated",
    "orders_closed",
    "stars_sum",
    "events_done",
    "attendance",
    "volunteer_hours",
    "wishes_fulfilled",
]

Key = tuple[int, int, dt.date, int]  # village, town, month, category


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, output_field=DateField(), tzinfo=TZ)


def _in_months(field: str, months: Iterable[dt.date] | None) -> Q:
    if months is None:
        return Q()
    q = Q(pk__in=[])
    for month in months:
        start, end = bounds(month)
        q |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return q


def aggregate_rollup(
    *, village_ids: Iterable[int] | None = None, months: Iterable[dt.date] | None = None
) -> dict[Key, dict]:
    """Rollup rows computed from the order facts and the events, for some villages and months
    (None: all). Call with the facts of those villages current (``refresh_orders``,
    ``rebuild``): the order counters are the facts' months, as ``reports.figures`` defines
    them, so the rollups and the orders report cannot disagree.

    Cancelled and rejected orders never count as a service; a done event counts once, in the
    month of its end, however many days it spans.
    """
    months = None if months is None else sorted(set(months))
    rows: dict[Key, dict] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    dims = ("village_id", "town_id", "m", "category_id")

    def add(queryset, month_of, **aggregates) -> None:
        qs = queryset.annotate(m=month_of).values(*dims).annotate(**aggregates).order_by()
        for row in qs:
            target = rows[tuple(row[d] for d in dims)]
            for name in aggregates:
                target[name] += row[name] or 0

    facts = OrderFact.objects.all()
    if village_ids is not None:
        facts = facts.filter(village_id__in=list(village_ids))

    def fact_months(field: str):
        """Facts with a month in ``field`` (within ``months``), and that month."""
        queryset = facts.filter(**{f"{field}__isnull": False})
        if months is not None:
            queryset = queryset.filter(**{f"{field}__in": months})
        return queryset, F(field)

    add(*fact_months("created_month"), orders_received=Count("order_id"))
    add(*fact_months("accepted_month"), orders_accepted=Count("order_id"))
    add(
        *fact_months("completed_month"),
        orders_completed=Count("order_id"),
        volunteer_hours=Sum("hours"),
    )
    add(*fact_months("rated_month"), orders_rated=Count("order_id"), stars_sum=Sum("stars"))
    add(*fact_months("closed_month"), orders_closed=Count("order_id"))

    events = Event.objects.filter(state=Event.State.DONE, village__isnull=False)
    if village_ids is not None:
        events = events.filter(village_id__in=list(village_ids))
    field = figures.event_service_month_field
    add(
        events.filter(_in_months(field, months)),
        _month(field),
        events_done=Count("id"),
        attendance=Sum("attendance"),
    )

    # A volunteer's event hours count once the organiser confirmed them (their service record;
    # ``hours_credited`` mirrors it), never on a self check-in alone.
    helpers = EventVolunteer.objects.filter(
        figures.counted_event_hours,
        event__state=Event.State.DONE,
        event__village__isnull=False,
    )
    if village_ids is not None:
        helpers = helpers.filter(event__village_id__in=list(village_ids))
    qs = (
        helpers.filter(_in_months(f"event__{field}", months))
        .annotate(m=_month(f"event__{field}"))
        .values("event__village_id", "event__town_id", "m", "event__category_id")
        .annotate(h=Sum("hours"))
        .order_by()
    )
    for row in qs:
        key = (row["event__village_id"], row["event__town_id"], row["m"], row["event__category_id"])
        rows[key]["volunteer_hours"] += row["h"] or 0

    # A wish from the wish wall that a volunteer fulfilled is a service in its village, in the
    # month it was fulfilled.
    wishes = Wish.objects.filter(status=Wish.Status.FULFILLED)
    if village_ids is not None:
        wishes = wishes.filter(village_id__in=list(village_ids))
    add(
        wishes.filter(_in_months("fulfilled_at", months)),
        _month("fulfilled_at"),
        wishes_fulfilled=Count("id"),
    )
    return dict(rows)


VMC_FIELDS = ["village", "town", "month", "category", *COUNTERS, "services"]
FACT_FIELDS = [
    "order",
    "status",
    "village",
    "town",
    "category",
    "platform",
    "team",
    "channel",
    "tier",
    "created_month",
    "accepted_month",
    "completed_month",
    "rated_month",
    "closed_month",
    "accept_seconds",
    "complete_seconds",
    "stars",
    "hours",
    "overdue_at",
]
FACT_SOURCE = [
    "id",
    "status",
    "village_id",
    "town_id",
    "category_id",
    "menu_item__platform_id",
    "accepted_team_id",
    "menu_item__team_id",
    "channel",
    "tier",
    "created_at",
    "accepted_at",
    "completed_at",
    "rated_at",
    "closed_at",
    "stars",
    "hours",
]


def _insert(model, fields: list[str], rows: list[tuple]) -> None:
    """Plain multi-row INSERT: rebuilding writes tens of thousands of rows, and building a model
    instance for each (``bulk_create``) costs several times the database's own work."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def _vmc_rows(rows: dict[Key, dict]) -> list[tuple]:
    """Rows to insert, ordered by month, town and village: a report reads one month (or a
    town's months) at a time, and rows written together share disk pages."""
    out = []
    for (village_id, town_id, month, category_id), c in sorted(
        rows.items(), key=lambda item: (item[0][2], item[0][1], item[0][0], item[0][3])
    ):
        counters = [c[name] for name in COUNTERS]
        counters[COUNTERS.index("volunteer_hours")] = Decimal(c["volunteer_hours"])
        services = c["orders_completed"] + c["events_done"] + c["wishes_fulfilled"]
        out.append((village_id, town_id, month, category_id, *counters, services))
    return out


def _refresh_town_months(
    *, town_ids: Iterable[int] | None, months: Iterable[dt.date] | None
) -> None:
    """Rewrite the town rows from the village rows (call inside the same transaction)."""
    towns = TownMonth.objects.all()
    source = VillageMonthCategory.objects.filter(services__gt=0)
    if town_ids is not None:
        towns = towns.filter(town_id__in=list(town_ids))
        source = source.filter(town_id__in=list(town_ids))
    if months is not None:
        towns = towns.filter(month__in=list(months))
        source = source.filter(month__in=list(months))
    towns.delete()
    TownMonth.objects.bulk_create(
        [
            TownMonth(
                town_id=row["town_id"],
                month=row["month"],
                villages_served=row["served"],
                services=row["services"],
            )
            for row in source.values("town_id", "month")
            .annotate(served=Count("village_id", distinct=True), services=Sum("services"))
            .order_by()
        ],
        batch_size=2000,
    )


def refresh_village_months(*, village_id: int, months: Iterable[dt.date]) -> int:
    """Recompute the rollup rows of one village for some months; returns the rows written."""
    months = sorted({m for m in months if m is not None})
    if not months:
        return 0
    with transaction.atomic():
        # Two transitions in one village may refresh the same rows at once: lock the village so
        # the second waits for the first instead of failing on the unique (village, month,
        # category) constraint.
        town_id = (
            Village.objects.select_for_update()
            .filter(pk=village_id)
            .values_list("town_id", flat=True)
            .first()
        )
        VillageMonthCategory.objects.filter(village_id=village_id, month__in=months).delete()
        objs = _vmc_rows(aggregate_rollup(village_ids=[village_id], months=months))
        _insert(VillageMonthCategory, VMC_FIELDS, objs)
        if town_id is not None:
            # Serialised per town as well: two villages of one town rewrite the same town rows.
            Town.objects.select_for_update().filter(pk=town_id).exists()
            _refresh_town_months(town_ids=[town_id], months=months)
        report_cache.bump(town_ids=[town_id] if town_id is not None else None)
    return len(objs)


def _confirmed_order():
    """An order's confirmed service record (only confirmed hours count in the reports)."""
    return ServiceRecord.objects.filter(
        source_kind=ServiceRecord.SourceKind.ORDER,
        source_id=OuterRef("pk"),
        status=ServiceRecord.Status.CONFIRMED,
    )


def _fact_source(orders):
    return orders.annotate(hours_confirmed=Exists(_confirmed_order())).values(
        *FACT_SOURCE, "hours_confirmed"
    )


def _changes_of(order_ids: list[int]) -> dict[int, list[tuple[dt.datetime, str]]]:
    """Each order's status changes, oldest first: what the figures are judged from."""
    out: dict[int, list[tuple[dt.datetime, str]]] = defaultdict(list)
    for order_id, at, to_status in (
        OrderStatusChange.objects.filter(order_id__in=order_ids)
        .order_by("order_id", "created_at", "id")
        .values_list("order_id", "created_at", "to_status")
    ):
        out[order_id].append((at, to_status))
    return out


def _fact_rows(orders: Iterable[dict], chunk: int = 5000) -> list[tuple]:
    """The OrderFact rows of orders given as ``values(*FACT_SOURCE)``, their status changes
    read once per chunk of orders."""
    out = []
    batch: list[dict] = []

    def flush() -> None:
        changes = _changes_of([o["id"] for o in batch])
        out.extend(_fact_row(o, changes.get(o["id"], [])) for o in batch)
        batch.clear()

    for order in orders:
        batch.append(order)
        if len(batch) >= chunk:
            flush()
    flush()
    return out


def _fact_row(o: dict, changes: figures.Changes) -> tuple:
    """The OrderFact row of an order given as ``values(*FACT_SOURCE)`` and its changes."""
    status = o["status"]
    served = status in Order.SERVED
    rated = status == Order.Status.RATED
    created = o["created_at"]
    accepted = figures.order_standing_acceptance(
        status=status, accepted_at=o["accepted_at"], changes=changes
    )

    def seconds(later):
        return None if later is None else max(0, int((later - created).total_seconds()))

    return (
        o["id"],
        status,
        o["village_id"],
        o["town_id"],
        o["category_id"],
        o["menu_item__platform_id"],
        o["accepted_team_id"] or o["menu_item__team_id"],
        o["channel"],
        o["tier"],
        month_of(created),
        month_of(accepted),
        month_of(o["completed_at"]) if served else None,
        month_of(o["rated_at"]) if rated else None,
        month_of(o["closed_at"]) if status in Order.CLOSED else None,
        seconds(accepted),
        seconds(o["completed_at"]) if served else None,
        o["stars"] if rated else None,
        o["hours"] if served and o["hours_confirmed"] else None,
        figures.order_overdue_at(status=status, created_at=created, changes=changes),
    )


FACT_MONTHS = ["created_month", "accepted_month", "completed_month", "rated_month", "closed_month"]


def refresh_order(*, order_id: int) -> None:
    """Bring an order's fact row and its village's rollup rows up to date (idempotent)."""
    refresh_orders(order_ids=[order_id])


def refresh_orders(*, order_ids: Iterable[int]) -> None:
    """``refresh_order`` for many orders at once: each village's months are recomputed once,
    however many of its orders changed."""
    order_ids = sorted(set(order_ids))
    if not order_ids:
        return
    old = OrderFact.objects.filter(pk__in=order_ids).values("village_id", *FACT_MONTHS)
    current = list(_fact_source(Order.objects.filter(pk__in=order_ids)))
    touched: dict[int, set[dt.date]] = defaultdict(set)
    for fact in old:
        touched[fact["village_id"]] |= {fact[field] for field in FACT_MONTHS}
    for order in current:
        touched[order["village_id"]] |= {
            month_of(order[field])
            for field in ("created_at", "accepted_at", "completed_at", "rated_at", "closed_at")
        }
    with transaction.atomic():
        OrderFact.objects.filter(pk__in=order_ids).delete()
        _insert(OrderFact, FACT_FIELDS, _fact_rows(current))
    for village_id in sorted(touched):
        refresh_village_months(village_id=village_id, months=touched[village_id])


def refresh_event(*, event_id: int, village_id: int | None = None) -> None:
    """Bring the rollup rows touched by an event up to date: its village, its start/end months."""
    event = Event.objects.filter(pk=event_id).only("village_id", "start", "end").first()
    targets: set[int] = {v for v in (village_id, event and event.village_id) if v}
    if event is None:
        return
    months = {month_of(event.start), month_of(event.end)}
    for target in targets:
        refresh_village_months(village_id=target, months=months)


def refresh_wish(*, wish_id: int) -> None:
    """Bring the rollup rows of a fulfilled wish up to date: its village, the month it was
    fulfilled (the only step that changes what the reports count)."""
    wish = Wish.objects.filter(pk=wish_id).only("village_id", "fulfilled_at").first()
    if wish is not None and wish.fulfilled_at is not None:
        refresh_village_months(village_id=wish.village_id, months=[month_of(wish.fulfilled_at)])


def rebuild(*, month: dt.date | None = None) -> dict[str, int]:
    """Rebuild the rollups from the base tables: every month, or only ``month``.

    The order facts first (for ``month``: those of the orders with a moment in it, and any
    fact that says so), then the village and town rows from them and from the events. Safe to
    run while the workflow is live: each table is replaced in one transaction.
    """
    with transaction.atomic():
        orders = Order.objects.all()
        if month is not None:
            touched = Q(pk__in=OrderFact.objects.filter(_fact_in_month(month)).values("order_id"))
            for field in ("created_at", "accepted_at", "completed_at", "rated_at", "closed_at"):
                touched |= _in_months(field, [month])
            orders = orders.filter(touched)
            OrderFact.objects.filter(order__in=orders).delete()
        else:
            OrderFact.objects.all().delete()
        facts = _fact_rows(_fact_source(orders).iterator(chunk_size=5000))
        _insert(OrderFact, FACT_FIELDS, facts)

        if month is None:
            VillageMonthCategory.objects.all().delete()
        else:
            VillageMonthCategory.objects.filter(month=month).delete()
        objs = _vmc_rows(aggregate_rollup(months=None if month is None else [month]))
        _insert(VillageMonthCategory, VMC_FIELDS, objs)
        _refresh_town_months(town_ids=None, months=None if month is None else [month])
        report_cache.bump()
    if month is None and connection.vendor == "postgresql":
        # The tables were just replaced: without fresh statistics the planner guesses row counts
        # from the old ones and picks slow plans until autovacuum gets round to it.
        with connection.cursor() as cursor:
            for model in (VillageMonthCategory, TownMonth, OrderFact):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    logger.info("rebuilt rollups month=%s rows=%d facts=%d", month, len(objs), len(facts))
    return {"rows": len(objs), "facts": len(facts)}


def _fact_in_month(month: dt.date) -> Q:
    q = Q(pk__in=[])
    for field in FACT_MONTHS:
        q |= Q(**{field: month})
    return q
