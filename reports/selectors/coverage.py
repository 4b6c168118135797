"""The coverage report (服务覆盖): served villages per unit, month and category, the 12-month
trend and heat map, the gap list, and one village's detail.

A village is served in a month when it had at least one completed order, done event or fulfilled
wish (wish wall) in it (``VillageMonthCategory.services``). Reads only the rollups and small
dimension tables: a fixed number of queries whatever the number of villages.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from core.months import add_months, label, month_range, months_between
from events.models import MonthlyPlan
from reports import cache as report_cache
from reports.five_standards import lacking, score_standards
from reports.models import TownMonth, VillageMonthCategory
from reports.selectors.area import RANGE_MONTHS, Area, Named, Report, area_key, categories, percent
from reports.selectors.team import team_at_month_end
from stations.models import Position, Town, Village


@dataclass
class CoverageRow:
    id: int
    name: str
    villages: int
    served: int
    percent: float
    services: int
    by_category: dict[int, int]
    heat: list[int]


@dataclass
class CoverageTotals:
    villages: int
    served: int
    percent: float
    services: int
    by_category: dict[int, int]


@dataclass
class TrendPoint:
    month: str
    served: int
    villages: int
    percent: float


@dataclass
class Gap:
    village_id: int
    village: str
    town_id: int
    town: str
    station: str
    head_name: str
    head_phone: str
    months_without: int | None
    lacks: list[str] | None


@dataclass
class Coverage(Report):
    month: str
    months: list[str]
    level: str
    town: Named | None
    village: Named | None
    categories: list[Named]
    totals: CoverageTotals
    rows: list[CoverageRow]
    trend: list[TrendPoint]
    gaps: list[Gap]
    # Every unit of the area (a town's villages), counted; ``rows`` may hold only the first of
    # them (a page's, see ``compute_coverage``), the API and the exports hold them all.
    rows_total: int
    # The largest heat-map cell of every row (what its colours are relative to).
    heat_max: int
    # Every unserved village of the area, counted; ``gaps`` may list only the first of them
    # (a page's, see ``compute_coverage``), the API and the exports list them all.
    gaps_total: int


def coverage(area: Area, month: dt.date) -> Coverage:
    """Coverage for ``month`` (see ``compute_coverage``), from the report cache when current."""
    return report_cache.cached(
        # The categories' names are in the reader's language (``categories``).
        f"coverage:{get_language()}:{area_key(area)}:{month:%Y-%m}",
        lambda: compute_coverage(area, month),
        town_id=area.town.pk if area.town else None,
    )


def compute_coverage(
    area: Area, month: dt.date, *, gap_limit: int | None = None, unit_limit: int | None = None
) -> Coverage:
    """Coverage for ``month`` and the 12 months ending with it.

    At city level the units are towns; at town level, villages; at village level, the one
    village. Gaps are the villages in the area with no service in ``month``: with
    ``gap_limit``, only the first ones in the list's order (what a page shows), with their
    exact count; a province's gap list is thousands of villages (7,949 in the scale-60 demo),
    and reading each into Python was most of the cold page. With ``unit_limit``, likewise only
    the first villages of a town's rows, the area's totals, trend and heat-map scale then
    tallied in SQL (a town of a province: 3,480 villages × 12 months of rollup rows).
    """
    first = add_months(month, -(RANGE_MONTHS - 1))
    months = month_range(first, month)
    cats = categories()
    villages = Village.objects.filter(area.q(town="town", village="pk"))
    rollup = VillageMonthCategory.objects.filter(area.q(), services__gt=0)
    by_village = area.level != "city"

    units_total = None
    if by_village:
        # The id last: a page's first rows are the first rows of the full list.
        listed = villages.order_by("name", "pk").values_list("id", "name")
        units = [
            Named(id, name) for id, name in (listed if unit_limit is None else listed[:unit_limit])
        ]
        if unit_limit is not None and len(units) == unit_limit:
            units_total = villages.count()
        unit_villages = dict.fromkeys((u.id for u in units), 1)
        unit_key = "village_id"
    else:
        unit_villages = dict(
            villages.values("town_id")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("town_id", "n")
        )
        towns = Town.objects.all()
        if not area.scope.everything:
            towns = towns.filter(
                Q(pk__in=area.scope.town_ids)
                | Q(pk__in=Village.objects.filter(pk__in=area.scope.village_ids).values("town_id"))
            )
        units = [
            Named(id, name)
            for id, name in towns.order_by("sort_order", "name").values_list("id", "name")
        ]
        unit_key = "town_id"

    # Served villages and services per unit and month over the 12 months, and served
    # villages (services, per village) per unit and category in the month.
    served_in: dict[tuple[int, dt.date], int] = {}
    services_in: dict[tuple[int, dt.date], int] = defaultdict(int)
    per_category: dict[tuple[int, int], int] = {}
    if by_village or area.scope.village_ids:
        # Villages (or a login's scattered villages): one pass over the village rows.
        month_villages: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
        category_villages: dict[tuple[int, int], set[int]] = defaultdict(set)
        read = rollup.filter(month__gte=first, month__lte=month)
        if units_total is not None:
            # The same first villages as a subquery: 200 ids as parameters cost more to send.
            read = read.filter(village_id__in=listed.values("pk")[:unit_limit])
        for unit_id, village_id, m, category_id, services in read.values_list(
            unit_key, "village_id", "month", "category_id", "services"
        ):
            services_in[(unit_id, m)] += services
            month_villages[(unit_id, m)].add(village_id)
            if m == month:
                if by_village:
                    per_category[(unit_id, category_id)] = services
                else:
                    category_villages[(unit_id, category_id)].add(village_id)
        for key, villages_served in month_villages.items():
            served_in[key] = len(villages_served)
        for key, villages_served in category_villages.items():
            per_category[key] = len(villages_served)
    else:
        # Whole towns: their counts per month are kept per town.
        for unit_id, m, services, served in TownMonth.objects.filter(
            area.q(town="town", village="town__villages"), month__gte=first, month__lte=month
        ).values_list(unit_key, "month", "services", F("villages_served")):
            services_in[(unit_id, m)] = services
            served_in[(unit_id, m)] = served
        for unit_id, category_id, served in (
            rollup.filter(month=month)
            .values(unit_key, "category_id")
            .annotate(served=Count("village_id", distinct=True))
            .order_by()
            .values_list(unit_key, "category_id", "served")
        ):
            per_category[(unit_id, category_id)] = served

    heat_of = services_in if by_village else served_in
    rows: list[CoverageRow] = []
    for unit in units:
        served = served_in.get((unit.id, month), 0)
        n_villages = unit_villages.get(unit.id, 0)
        rows.append(
            CoverageRow(
                id=unit.id,
                name=unit.name,
                villages=n_villages,
                served=served,
                percent=percent(served, n_villages),
                services=services_in.get((unit.id, month), 0),
                by_category={c.id: per_category.get((unit.id, c.id), 0) for c in cats},
                heat=[heat_of.get((unit.id, m), 0) for m in months],
            )
        )
    if units_total is None:
        total_villages = sum(r.villages for r in rows)
        served_per_month = [
            sum(min(r.heat[i], 1) if by_village else r.heat[i] for r in rows)
            for i in range(len(months))
        ]
        services_total = sum(r.services for r in rows)
        # Each village lies in one unit, so the area's served villages per category add up.
        by_category_total = {
            c.id: sum(
                min(r.by_category[c.id], 1) if by_village else r.by_category[c.id] for r in rows
            )
            for c in cats
        }
        heat_max = max((v for r in rows for v in r.heat), default=0)
    else:
        # A page of a town's first villages: the same sums over every village, in SQL.
        total_villages = units_total
        every = rollup.filter(village_id__in=villages.values("pk"))
        served_per_month, services_total, by_category_total, heat_max = _village_tallies(
            every, months, cats
        )
    trend = [
        TrendPoint(
            month=label(m),
            served=served,
            villages=total_villages,
            percent=percent(served, total_villages),
        )
        for m, served in zip(months, served_per_month, strict=True)
    ]
    served_total = trend[-1].served
    gap_list = gaps(area, month, villages=villages, limit=gap_limit)
    gaps_total = (
        len(gap_list)
        if gap_limit is None or len(gap_list) < gap_limit
        else unserved(villages, month).count()
    )
    return Coverage(
        month=label(month),
        months=[label(m) for m in months],
        level=area.level,
        town=Named(area.town.pk, area.town.name) if area.town else None,
        village=Named(area.village.pk, area.village.name) if area.village else None,
        categories=cats,
        totals=CoverageTotals(
            villages=total_villages,
            served=served_total,
            percent=percent(served_total, total_villages),
            services=services_total,
            by_category=by_category_total,
        ),
        rows=rows,
        trend=trend,
        gaps=gap_list,
        rows_total=len(rows) if units_total is None else units_total,
        heat_max=heat_max,
        gaps_total=gaps_total,
    )


def _village_tallies(
    rollup: QuerySet[VillageMonthCategory], months: list[dt.date], cats: list[Named]
) -> tuple[list[int], int, dict[int, int], int]:
    """Over the village rows with a service (``rollup``): villages served per month of
    ``months``, services in the last month, villages served per category in the last month,
    and the most services of one village in one month."""
    first, month = months[0], months[-1]
    span = rollup.filter(month__gte=first, month__lte=month)
    per_month = {
        m: (served, services)
        for m, served, services in span.values("month")
        .annotate(served=Count("village_id", distinct=True), services=Sum("services"))
        .order_by()
        .values_list("month", "served", "services")
    }
    per_category = dict(
        rollup.filter(month=month)
        .values("category_id")
        .annotate(served=Count("village_id", distinct=True))
        .order_by()
        .values_list("category_id", "served")
    )
    most = (
        span.values("village_id", "month")
        .annotate(n=Sum("services"))
        .order_by("-n")
        .values_list("n", flat=True)[:1]
    )
    return (
        [per_month.get(m, (0, 0))[0] for m in months],
        per_month.get(month, (0, 0))[1],
        {c.id: per_category.get(c.id, 0) for c in cats},
        next(iter(most), 0),
    )


def unserved(villages: QuerySet[Village], month: dt.date) -> QuerySet[Village]:
    """The villages among ``villages`` with no service in ``month``: the gap list's rows."""
    served = VillageMonthCategory.objects.filter(
        village_id=OuterRef("pk"), month=month, services__gt=0
    )
    return villages.filter(~Exists(served))


def gaps(area: Area, month: dt.date, *, villages=None, limit: int | None = None) -> list[Gap]:
    """Villages with no service in ``month``, their station head, the months in a row, and
    what else their station lacks.

    ``months_without`` counts ``month`` and the months before it back to the last month with a
    service; ``None`` means no service has ever been recorded for the village. ``lacks`` lists
    the five standards the village's station misses in ``month`` (``None``: no active station):
    what officials follow up along with the missing service. One query, however many villages;
    ``limit``: only the first ``limit`` villages of the list.
    """
    villages = (
        villages
        if villages is not None
        else Village.objects.filter(area.q(town="town", village="pk"))
    )
    in_month = VillageMonthCategory.objects.filter(village_id=OuterRef("pk"), month=month)
    # The last month served before ``month``: one backward step along the rollup's
    # (village, month, category) index per unserved village.
    last = (
        VillageMonthCategory.objects.filter(
            village_id=OuterRef("pk"), month__lt=month, services__gt=0
        )
        .order_by("-month")
        .values("month")[:1]
    )

    def per_village(queryset, village: str, aggregate):
        """A correlated aggregate over the village's rows, 0 when it has none."""
        grouped = queryset.order_by().values(village).annotate(n=aggregate).values("n")
        return Coalesce(Subquery(grouped[:1]), 0)

    listed = (
        unserved(villages, month)
        .annotate(
            station=FilteredRelation(
                "positions",
                condition=Q(positions__level=Position.Level.STATION, positions__is_active=True),
            ),
            last=Subquery(last),
            plan_submitted=Exists(
                MonthlyPlan.objects.filter(
                    position_id=OuterRef("station__id"),
                    month=month,
                    status=MonthlyPlan.Status.SUBMITTED,
                )
            ),
            active_volunteers=per_village(
                team_at_month_end(month).filter(village_id=OuterRef("pk")),
                "village_id",
                Count("volunteer_id"),
            ),
            rated=per_village(in_month, "village_id", Sum("orders_rated")),
            stars=per_village(in_month, "village_id", Sum("stars_sum")),
        )
        # The id last: a page's first rows are the first rows of the full list.
        .order_by("town__sort_order", "town__name", "name", "pk")
        .values(
            "id",
            "name",
            "town_id",
            "town__name",
            "station__id",
            "station__name",
            "station__head_name",
            "station__head_phone",
            "station__address",
            "station__opening_hours",
            "last",
            "plan_submitted",
            "active_volunteers",
            "rated",
            "stars",
        )
    )
    rows = list(listed if limit is None else listed[:limit])
    out = []
    for row in rows:
        previous = row["last"]
        lacks = None
        if row["station__id"] is not None:
            rated = row["rated"]
            lacks = lacking(
                score_standards(
                    address=row["station__address"],
                    opening_hours=row["station__opening_hours"],
                    plan_submitted=row["plan_submitted"],
                    volunteers=row["active_volunteers"],
                    services=0,
                    rated=rated,
                    average=round(row["stars"] / rated, 2) if rated else None,
                )
            )
        out.append(
            Gap(
                village_id=row["id"],
                village=row["name"],
                town_id=row["town_id"],
                town=row["town__name"],
                station=row["station__name"] or "",
                head_name=row["station__head_name"] or "",
                head_phone=row["station__head_phone"] or "",
                months_without=months_between(previous, month) if previous else None,
                lacks=lacks,
            )
        )
    return out


@dataclass
class CategoryMonths:
    category_id: int
    category: str
    months: list[int]
    total: int


@dataclass
class VillageMonth:
    month: str
    services: int
    orders_completed: int
    events_done: int
    wishes_fulfilled: int
    attendance: int
    orders_rated: int
    average_rating: float | None
    volunteer_hours: float


@dataclass
class VillageDetail(Report):
    months: list[str]
    rows: list[CategoryMonths]
    monthly: list[VillageMonth]


DETAIL_COUNTERS = [
    "services",
    "orders_completed",
    "events_done",
    "wishes_fulfilled",
    "attendance",
    "orders_rated",
    "stars_sum",
    "volunteer_hours",
]


def village_detail(area: Area, month: dt.date) -> VillageDetail:
    """One village: services per category over the 12 months ending with ``month``."""
    first = add_months(month, -(RANGE_MONTHS - 1))
    months = month_range(first, month)
    cells: dict[tuple[int, dt.date], dict] = {}
    for row in VillageMonthCategory.objects.filter(
        village_id=area.village.pk, month__gte=first, month__lte=month
    ).values("category_id", "month", *DETAIL_COUNTERS):
        cells[(row["category_id"], row["month"])] = row
    rows = []
    for c in categories():
        values = [cells.get((c.id, m), {}).get("services", 0) for m in months]
        rows.append(CategoryMonths(c.id, c.name, values, sum(values)))
    monthly = []
    for m in months:
        in_month = [v for (_, mm), v in cells.items() if mm == m]
        rated = sum(v["orders_rated"] for v in in_month)
        monthly.append(
            VillageMonth(
                month=label(m),
                services=sum(v["services"] for v in in_month),
                orders_completed=sum(v["orders_completed"] for v in in_month),
                events_done=sum(v["events_done"] for v in in_month),
                wishes_fulfilled=sum(v["wishes_fulfilled"] for v in in_month),
                attendance=sum(v["attendance"] for v in in_month),
                orders_rated=rated,
                average_rating=round(sum(v["stars_sum"] for v in in_month) / rated, 2)
                if rated
                else None,
                volunteer_hours=float(sum((v["volunteer_hours"] for v in in_month), Decimal(0))),
            )
        )
    return VillageDetail(months=[label(m) for m in months], rows=rows, monthly=monthly)
