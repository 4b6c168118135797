"""The order facts (``OrderFact``): one row per order with the months of its steps, its
times to acceptance and completion, its stars and its confirmed hours, judged from its status
changes as ``reports.figures`` defines each figure.

The orders report reads the facts, and the rollups' order counters are counted from them
(``reports.services.aggregate_rollup``), so the two cannot disagree. A fact is always rewritten
from the order and its changes, never patched.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import Exists, OuterRef, Q

from core.bulk import copy_rows
from core.months import bounds, month_of
from orders.models import Order, OrderStatusChange
from reports import figures
from reports.models import OrderFact
from volunteers.models import ServiceRecord

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


FACT_MONTHS = ["created_month", "accepted_month", "completed_month", "rated_month", "closed_month"]


def insert_rows(model, fields: list[str], rows: list[tuple], *, copy: bool = False) -> None:
    """Plain multi-row INSERT: rebuilding writes tens of thousands of rows, and building a model
    instance for each (``bulk_create``) costs several times the database's own work. ``copy``
    (a rebuild: hundreds of thousands of rows at province scale): COPY on PostgreSQL."""
    if not rows:
        return
    if copy and connection.vendor == "postgresql":
        copy_rows(model, [model._meta.get_field(f).attname for f in fields], rows)
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(f).column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from _meta
    with connection.cursor() as cursor:
        for i in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[i : i + 5000])


def in_months(field: str, months: Iterable[dt.date] | None) -> Q:
    """Rows whose ``field`` (a moment) falls in one of ``months`` (None: any month)."""
    if months is None:
        return Q()
    q = Q(pk__in=[])
    for month in months:
        start, end = bounds(month)
        q |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return q


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
    """The OrderFact row of an order given as ``values(*FACT_SOURCE)`` and its changes: each
    moment is the one ``reports.figures`` says the figure counts at."""
    status = o["status"]
    created = figures.order_received_at(created_at=o["created_at"])
    accepted = figures.order_standing_acceptance(
        status=status, accepted_at=o["accepted_at"], changes=changes
    )
    completed = figures.order_completed_at(status=status, completed_at=o["completed_at"])
    rated = figures.order_rated_at(status=status, rated_at=o["rated_at"])

    def seconds(later):
        return None if later is None else max(0, int((later - created).total_seconds()))

    return (
        o["id"],
        status,
        o["village_id"],
        o["town_id"],
        o["category_id"],
        o["menu_item__platform_id"],
        figures.order_team(
            accepted_team_id=o["accepted_team_id"], menu_item_team_id=o["menu_item__team_id"]
        ),
        o["channel"],
        o["tier"],
        month_of(created),
        month_of(accepted),
        month_of(completed),
        month_of(rated),
        month_of(o["closed_at"]) if status in Order.CLOSED else None,
        seconds(accepted),
        seconds(completed),
        o["stars"] if rated is not None else None,
        o["hours"] if completed is not None and o["hours_confirmed"] else None,
        figures.order_overdue_at(status=status, created_at=created, changes=changes),
    )


def refresh_facts(*, order_ids: list[int]) -> set[dt.date]:
    """Rewrite the orders' fact rows; returns every month they had or now have (the rows of
    those months change). Call inside a transaction holding the orders' villages' locks."""
    if not order_ids:
        return set()
    months: set[dt.date] = set()
    for fact in OrderFact.objects.filter(pk__in=order_ids).values(*FACT_MONTHS):
        months |= {fact[field] for field in FACT_MONTHS}
    current = list(_fact_source(Order.objects.filter(pk__in=order_ids)))
    for order in current:
        months |= {
            month_of(order[field])
            for field in ("created_at", "accepted_at", "completed_at", "rated_at", "closed_at")
        }
    OrderFact.objects.filter(pk__in=order_ids).delete()
    insert_rows(OrderFact, FACT_FIELDS, _fact_rows(current))
    months.discard(None)
    return months


def rebuild_facts(*, month: dt.date | None = None) -> int:
    """Rewrite the fact rows of every order, or for ``month`` those of the orders with a moment
    in it and of any fact that says so. Returns the rows written. Call inside the rebuild's
    transaction: the rollups are then counted from these rows."""
    orders = Order.objects.all()
    if month is not None:
        touched = Q(pk__in=OrderFact.objects.filter(_fact_in_month(month)).values("order_id"))
        for field in ("created_at", "accepted_at", "completed_at", "rated_at", "closed_at"):
            touched |= in_months(field, [month])
        orders = orders.filter(touched)
        OrderFact.objects.filter(order__in=orders).delete()
    else:
        OrderFact.objects.all().delete()
    facts = _fact_rows(_fact_source(orders).iterator(chunk_size=5000))
    insert_rows(OrderFact, FACT_FIELDS, facts, copy=True)
    return len(facts)


def _fact_in_month(month: dt.date) -> Q:
    q = Q(pk__in=[])
    for field in FACT_MONTHS:
        q |= Q(**{field: month})
    return q
