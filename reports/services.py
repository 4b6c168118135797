"""Writes to the report rollups: incremental refresh after a transition, and full rebuilds.

Both paths go through ``aggregate_rollup`` so that an incremental refresh of one village and a
rebuild of the whole city compute each row the same way. The rows are always recomputed from
the base tables, never incremented, so that a refresh is idempotent and a lost signal is healed
by the next refresh or the nightly rebuild. The order facts the order counters are counted
from are written first, by ``reports.facts``, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, DateField, F, Sum
from django.db.models.functions import TruncMonth

from core.months import TZ, month_of
from core.queueing import delay_coalesced_on_commit
from events.models import Event, EventVolunteer
from orders.models import Order
from reports import cache as report_cache
from reports import figures, tasks
from reports.facts import in_months, insert_rows, rebuild_facts, refresh_facts
from reports.models import OrderFact, RollupPending, TownMonth, VillageMonthCategory
from stations.models import Village
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
        events.filter(in_months(field, months)),
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
        helpers.filter(in_months(f"event__{field}", months))
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
        wishes.filter(in_months("fulfilled_at", months)),
        _month("fulfilled_at"),
        wishes_fulfilled=Count("id"),
    )
    return dict(rows)


VMC_FIELDS = ["village", "town", "month", "category", *COUNTERS, "services"]


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


def _lock(namespace: int, key: int) -> None:
    """Serialise the refreshes of one village (or town) until the transaction ends.

    An advisory lock, not ``SELECT … FOR UPDATE`` on the village row: a new order's foreign
    key takes a share lock on that row, so a row lock here would make residents wait for the
    refresh. Every refresh takes its village's lock before its town's and holds one of each,
    so two refreshes never wait for each other in a cycle. SQLite has one writer at a time.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [namespace, key])


# The first key of the two-key advisory lock form: a namespace of our own ("WM" and 0x10/0x11),
# apart from the orders' submission locks.
_VILLAGE_LOCK = 0x574D0010
_TOWN_LOCK = 0x574D0011


def _rewrite_village(*, village_id: int, months: Iterable[dt.date]) -> int:
    """Recompute one village's rows for some months and its town's rows (the caller holds a
    transaction and the village's lock)."""
    months = sorted({m for m in months if m is not None})
    if not months:
        return 0
    town_id = Village.objects.filter(pk=village_id).values_list("town_id", flat=True).first()
    VillageMonthCategory.objects.filter(village_id=village_id, month__in=months).delete()
    objs = _vmc_rows(aggregate_rollup(village_ids=[village_id], months=months))
    insert_rows(VillageMonthCategory, VMC_FIELDS, objs)
    if town_id is not None:
        # Two villages of one town rewrite the same town rows.
        _lock(_TOWN_LOCK, town_id)
        _refresh_town_months(town_ids=[town_id], months=months)
    report_cache.bump(town_ids=[town_id] if town_id is not None else None)
    return len(objs)


def refresh_village_months(*, village_id: int, months: Iterable[dt.date]) -> int:
    """Recompute the rollup rows of one village for some months; returns the rows written."""
    with transaction.atomic():
        _lock(_VILLAGE_LOCK, village_id)
        return _rewrite_village(village_id=village_id, months=months)


# --- the queued refresh: markers written with the change, drained by a task -----------------


def rollup_mark(
    *,
    village_ids: Iterable[int | None],
    order_id: int | None = None,
    event_id: int | None = None,
    wish_id: int | None = None,
) -> None:
    """Mark villages' rollups stale after an order's, event's or wish's change, and queue the
    refresh.

    Call inside the change's transaction: the marker commits (or rolls back) with it, so the
    refresh cannot be lost, and the task is queued only once it commits. Nothing here waits
    for a lock: the refresh runs in a worker (in-process when Celery runs eagerly).
    """
    villages = sorted({v for v in village_ids if v})
    if not villages:
        return
    RollupPending.objects.bulk_create(
        [
            RollupPending(village_id=v, order_id=order_id, event_id=event_id, wish_id=wish_id)
            for v in villages
        ]
    )
    # One drain per batch of commits, not one per change: it refreshes every marked village.
    delay_coalesced_on_commit(tasks.refresh_pending)


def refresh_village(*, village_id: int) -> int:
    """Handle the village's markers: its orders' facts, then its rows for every month those
    orders and events touch, once (however many changes queued up), in one transaction that
    also deletes the markers. Returns the rollup rows written. A failure rolls it all back and
    leaves the markers for the next sweep."""
    with transaction.atomic():
        # Taken before reading the markers and the orders: a second refresh of the village
        # waits here and then reads the state the first one left, never an older one.
        _lock(_VILLAGE_LOCK, village_id)
        pending = list(
            RollupPending.objects.filter(village_id=village_id).values_list(
                "id", "order_id", "event_id", "wish_id"
            )
        )
        if not pending:
            return 0
        order_ids = sorted({o for _, o, _, _ in pending if o})
        event_ids = sorted({e for _, _, e, _ in pending if e})
        wish_ids = sorted({w for _, _, _, w in pending if w})
        months = refresh_facts(order_ids=order_ids)
        for start, end in Event.objects.filter(pk__in=event_ids).values_list("start", "end"):
            months |= {month_of(start), month_of(end)}
        # A wish counts in the month it was fulfilled (the only step the reports see).
        for fulfilled_at in Wish.objects.filter(
            pk__in=wish_ids, fulfilled_at__isnull=False
        ).values_list("fulfilled_at", flat=True):
            months.add(month_of(fulfilled_at))
        written = _rewrite_village(village_id=village_id, months=months)
        RollupPending.objects.filter(pk__in=[p[0] for p in pending]).delete()
    return written


def refresh_pending() -> dict[str, int]:
    """Drain the markers, village by village (each in its own transaction, so one failing
    village neither blocks nor undoes the others). What fails is logged and stays marked:
    the next task or the periodic sweep retries it."""
    villages = list(
        RollupPending.objects.order_by("village_id").values_list("village_id", flat=True).distinct()
    )
    done = failed = 0
    for village_id in villages:
        try:
            refresh_village(village_id=village_id)
        except Exception:
            failed += 1
            logger.exception("could not refresh rollups for village %s", village_id)
        else:
            done += 1
    return {"villages": done, "failed": failed}


def refresh_order(*, order_id: int) -> None:
    """Bring an order's fact row and its village's rollup rows up to date now (idempotent)."""
    refresh_orders(order_ids=[order_id])


def refresh_orders(*, order_ids: Iterable[int]) -> None:
    """``refresh_order`` for many orders at once: mark their villages and refresh each once."""
    order_ids = sorted(set(order_ids))
    villages = defaultdict(list)
    for order_id, village_id in Order.objects.filter(pk__in=order_ids).values_list(
        "id", "village_id"
    ):
        villages[village_id].append(order_id)
    with transaction.atomic():
        for village_id, ids in villages.items():
            RollupPending.objects.bulk_create(
                [RollupPending(village_id=village_id, order_id=o) for o in ids]
            )
    for village_id in sorted(villages):
        refresh_village(village_id=village_id)


def refresh_event(*, event_id: int, village_id: int | None = None) -> None:
    """Bring the rollup rows touched by an event up to date now: its village (and
    ``village_id``, where it was), its start/end months."""
    current = Event.objects.filter(pk=event_id).values_list("village_id", flat=True).first()
    targets = sorted({v for v in (village_id, current) if v})
    with transaction.atomic():
        RollupPending.objects.bulk_create(
            [RollupPending(village_id=v, event_id=event_id) for v in targets]
        )
    for target in targets:
        refresh_village(village_id=target)


def rebuild(*, month: dt.date | None = None) -> dict[str, int]:
    """Rebuild the rollups from the base tables: every month, or only ``month``.

    The order facts first (for ``month``: those of the orders with a moment in it, and any
    fact that says so), then the village and town rows from them and from the events. Safe to
    run while the workflow is live: each table is replaced in one transaction.
    """
    with transaction.atomic():
        fact_rows = rebuild_facts(month=month)

        if month is None:
            VillageMonthCategory.objects.all().delete()
        else:
            VillageMonthCategory.objects.filter(month=month).delete()
        objs = _vmc_rows(aggregate_rollup(months=None if month is None else [month]))
        insert_rows(VillageMonthCategory, VMC_FIELDS, objs, copy=True)
        _refresh_town_months(town_ids=None, months=None if month is None else [month])
        report_cache.bump()
    if month is None and connection.vendor == "postgresql":
        # The tables were just replaced: without fresh statistics the planner guesses row counts
        # from the old ones and picks slow plans until autovacuum gets round to it.
        with connection.cursor() as cursor:
            for model in (VillageMonthCategory, TownMonth, OrderFact):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    logger.info("rebuilt rollups month=%s rows=%d facts=%d", month, len(objs), fact_rows)
    return {"rows": len(objs), "facts": fact_rows}
