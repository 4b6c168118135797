"""Reads for the reports: every figure on the pages, the exports and the API comes from here.

Each function runs a fixed number of queries whatever the number of villages (the tests pin
them), reading the rollups in ``reports.models`` and small dimension tables, never the orders or
events themselves. Every function takes the caller's ``Scope`` and an optional town: the rows
outside the scope are never read.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from events.models import Event, EventVolunteer, MonthlyPlan
from orders.models import Platform, ServiceCategory
from reports import cache as report_cache
from reports.models import OrderFact, TownMonth, VillageMonthCategory
from reports.months import add_months, bounds, label, month_range, months_between
from stations.models import Position, Town, Village
from stations.scope import Scope
from volunteers.models import Team, Volunteer

RANGE_MONTHS = 12


@dataclass(frozen=True)
class Area:
    """Where a report looks: the caller's whole scope, one town, or one village."""

    scope: Scope
    town: Town | None = None
    village: Village | None = None

    @property
    def level(self) -> str:
        return "village" if self.village else "town" if self.town else "city"

    def q(self, *, town: str = "town", village: str = "village") -> Q:
        """A filter for rows whose town and village are the lookups ``town`` and ``village``
        (a foreign key, a reverse relation or ``pk``)."""
        if self.village is not None:
            return Q(**{village: self.village.pk})
        q = Q()
        if not self.scope.everything:
            q = Q(pk__in=[])
            if self.scope.town_ids:
                q |= Q(**{f"{town}__in": self.scope.town_ids})
            if self.scope.village_ids:
                q |= Q(**{f"{village}__in": self.scope.village_ids})
        if self.town is not None:
            q &= Q(**{town: self.town.pk})
        return q


def resolve_area(scope: Scope, *, town_id: int | None = None, village_id: int | None = None):
    """The area a request asks for, or Http404 when it lies outside the caller's scope.

    With no town or village, a town admin of one town lands on that town and a station head
    on their village: the widest view each of them may see.
    """
    if scope.is_empty:
        raise Http404
    if village_id is not None:
        village = Village.objects.select_related("town").filter(pk=village_id).first()
        if village is None or not scope.covers_village(village.pk, village.town_id):
            raise Http404
        if town_id is not None and town_id != village.town_id:
            raise Http404
        return Area(scope, town=village.town, village=village)
    if town_id is not None:
        town = Town.objects.filter(pk=town_id).first()
        if town is None or not scope.covers_town(town.pk):
            raise Http404
        return Area(scope, town=town)
    if not scope.everything:
        if len(scope.town_ids) == 1 and not scope.village_ids:
            return Area(scope, town=Town.objects.get(pk=next(iter(scope.town_ids))))
        if len(scope.village_ids) == 1 and not scope.town_ids:
            village = Village.objects.select_related("town").get(pk=next(iter(scope.village_ids)))
            return Area(scope, town=village.town, village=village)
    return Area(scope)


def percent(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _categories() -> list[dict]:
    return list(ServiceCategory.objects.order_by("sort_order", "name").values("id", "name"))


# --- Coverage ----------------------------------------------------------------------------------


def area_key(area: Area) -> str:
    """A cache key part naming the area and the caller's scope."""
    scope = area.scope
    who = (
        "all"
        if scope.everything
        else (
            "t"
            + ",".join(map(str, sorted(scope.town_ids)))
            + "v"
            + ",".join(map(str, sorted(scope.village_ids)))
        )
    )
    where = f"v{area.village.pk}" if area.village else f"t{area.town.pk}" if area.town else "c"
    return f"{who}:{where}"


def coverage(area: Area, month: dt.date) -> dict:
    """Coverage for ``month`` (see ``compute_coverage``), from the report cache when current."""
    return report_cache.cached(
        f"coverage:{area_key(area)}:{month:%Y-%m}",
        lambda: compute_coverage(area, month),
        town_id=area.town.pk if area.town else None,
    )


def compute_coverage(area: Area, month: dt.date) -> dict:
    """Coverage for ``month`` and the 12 months ending with it.

    A village is served in a month when it had at least one completed order or done event in
    it. At city level the units are towns; at town level, villages; at village level, the one
    village. Gaps are the villages in the area with no service in ``month``.
    """
    first = add_months(month, -(RANGE_MONTHS - 1))
    months = month_range(first, month)
    categories = _categories()
    villages = Village.objects.filter(area.q(town="town", village="pk"))
    rollup = VillageMonthCategory.objects.filter(area.q(), services__gt=0)
    by_village = area.level != "city"

    if by_village:
        units = [
            {"id": v["id"], "name": v["name"], "villages": 1}
            for v in villages.order_by("name").values("id", "name")
        ]
        unit_key = "village_id"
    else:
        counts = dict(
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
            {"id": t["id"], "name": t["name"], "villages": counts.get(t["id"], 0)}
            for t in towns.order_by("sort_order", "name").values("id", "name")
        ]
        unit_key = "town_id"

    # Served villages (and services) per unit and month over the 12 months, and served
    # villages (services, per village) per unit and category in the month.
    per_month: dict[tuple[int, dt.date], dict] = {}
    per_category: dict[tuple[int, int], int] = {}
    if by_village or area.scope.village_ids:
        # Villages (or a login's scattered villages): one pass over the village rows.
        month_villages: dict[tuple[int, dt.date], set[int]] = defaultdict(set)
        category_villages: dict[tuple[int, int], set[int]] = defaultdict(set)
        for unit_id, village_id, m, category_id, services in rollup.filter(
            month__gte=first, month__lte=month
        ).values_list(unit_key, "village_id", "month", "category_id", "services"):
            cell = per_month.setdefault((unit_id, m), {"served": 0, "services": 0})
            cell["services"] += services
            month_villages[(unit_id, m)].add(village_id)
            if m == month:
                if by_village:
                    per_category[(unit_id, category_id)] = services
                else:
                    category_villages[(unit_id, category_id)].add(village_id)
        for key, villages_served in month_villages.items():
            per_month[key]["served"] = len(villages_served)
        for key, villages_served in category_villages.items():
            per_category[key] = len(villages_served)
    else:
        # Whole towns: their counts per month are kept per town.
        for row in TownMonth.objects.filter(
            area.q(town="town", village="town__villages"), month__gte=first, month__lte=month
        ).values(unit_key, "month", "services", served=F("villages_served")):
            per_month[(row[unit_key], row["month"])] = row
        for row in (
            rollup.filter(month=month)
            .values(unit_key, "category_id")
            .annotate(served=Count("village_id", distinct=True))
            .order_by()
        ):
            per_category[(row[unit_key], row["category_id"])] = row["served"]

    rows = []
    for unit in units:
        this = per_month.get((unit["id"], month), {})
        served = this.get("served", 0)
        rows.append(
            {
                **unit,
                "served": served,
                "percent": percent(served, unit["villages"]),
                "services": this.get("services", 0),
                "by_category": {
                    c["id"]: per_category.get((unit["id"], c["id"]), 0) for c in categories
                },
                "heat": [
                    per_month.get((unit["id"], m), {}).get(
                        "services" if by_village else "served", 0
                    )
                    for m in months
                ],
            }
        )
    total_villages = sum(u["villages"] for u in units)
    trend = []
    for i, m in enumerate(months):
        served = sum(min(r["heat"][i], 1) if by_village else r["heat"][i] for r in rows)
        trend.append(
            {
                "month": label(m),
                "served": served,
                "villages": total_villages,
                "percent": percent(served, total_villages),
            }
        )
    served_total = trend[-1]["served"]
    # Each village lies in one unit, so the area's served villages per category add up.
    by_category_total = {
        c["id"]: sum(
            min(r["by_category"][c["id"]], 1) if by_village else r["by_category"][c["id"]]
            for r in rows
        )
        for c in categories
    }

    gap_list = gaps(area, month, villages=villages)
    return {
        "month": label(month),
        "months": [label(m) for m in months],
        "level": area.level,
        "town": {"id": area.town.pk, "name": area.town.name} if area.town else None,
        "village": {"id": area.village.pk, "name": area.village.name} if area.village else None,
        "categories": categories,
        "totals": {
            "villages": total_villages,
            "served": served_total,
            "percent": percent(served_total, total_villages),
            "services": sum(r["services"] for r in rows),
            "by_category": by_category_total,
        },
        "rows": rows,
        "trend": trend,
        "gaps": gap_list,
    }


def gaps(area: Area, month: dt.date, *, villages=None) -> list[dict]:
    """Villages with no service in ``month``, their station head, the months in a row, and
    what else their station lacks.

    ``months_without`` counts ``month`` and the months before it back to the last month with a
    service; ``None`` means no service has ever been recorded for the village. ``lacks`` lists
    the five standards the village's station misses in ``month`` (``None``: no active station):
    what officials follow up along with the missing service. One query, however many villages.
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

    rows = list(
        villages.filter(~Exists(in_month.filter(services__gt=0)))
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
                Volunteer.objects.filter(home_village_id=OuterRef("pk"), is_active=True),
                "home_village_id",
                Count("id"),
            ),
            rated=per_village(in_month, "village_id", Sum("orders_rated")),
            stars=per_village(in_month, "village_id", Sum("stars_sum")),
        )
        .order_by("town__sort_order", "town__name", "name")
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
    out = []
    for row in rows:
        previous = row["last"]
        lacks = None
        if row["station__id"] is not None:
            rated = row["rated"]
            ticks = score_standards(
                address=row["station__address"],
                opening_hours=row["station__opening_hours"],
                plan_submitted=row["plan_submitted"],
                volunteers=row["active_volunteers"],
                services=0,
                rated=rated,
                average=round(row["stars"] / rated, 2) if rated else None,
            )
            lacks = [k for k in STANDARDS if not ticks[k]]
        out.append(
            {
                "village_id": row["id"],
                "village": row["name"],
                "town_id": row["town_id"],
                "town": row["town__name"],
                "station": row["station__name"] or "",
                "head_name": row["station__head_name"] or "",
                "head_phone": row["station__head_phone"] or "",
                "months_without": months_between(previous, month) if previous else None,
                "lacks": lacks,
            }
        )
    return out


def village_detail(area: Area, month: dt.date) -> dict:
    """One village: services per category over the 12 months ending with ``month``."""
    first = add_months(month, -(RANGE_MONTHS - 1))
    months = month_range(first, month)
    categories = _categories()
    cells: dict[tuple[int, dt.date], dict] = {}
    for row in VillageMonthCategory.objects.filter(
        village_id=area.village.pk, month__gte=first, month__lte=month
    ).values(
        "category_id",
        "month",
        "services",
        "orders_completed",
        "events_done",
        "orders_rated",
        "stars_sum",
        "volunteer_hours",
        "attendance",
    ):
        cells[(row["category_id"], row["month"])] = row
    rows = []
    for c in categories:
        values = [cells.get((c["id"], m), {}).get("services", 0) for m in months]
        rows.append(
            {"category_id": c["id"], "category": c["name"], "months": values, "total": sum(values)}
        )
    monthly = []
    for m in months:
        in_month = [v for (cid, mm), v in cells.items() if mm == m]
        rated = sum(v["orders_rated"] for v in in_month)
        monthly.append(
            {
                "month": label(m),
                "services": sum(v["services"] for v in in_month),
                "orders_completed": sum(v["orders_completed"] for v in in_month),
                "events_done": sum(v["events_done"] for v in in_month),
                "attendance": sum(v["attendance"] for v in in_month),
                "orders_rated": rated,
                "average_rating": round(sum(v["stars_sum"] for v in in_month) / rated, 2)
                if rated
                else None,
                "volunteer_hours": float(sum((v["volunteer_hours"] for v in in_month), Decimal(0))),
            }
        )
    return {"months": [label(m) for m in months], "rows": rows, "monthly": monthly}


# --- Five standards ----------------------------------------------------------------------------

STANDARDS = ["venue", "plan", "team", "practice", "results"]


def score_standards(
    *,
    address: str,
    opening_hours: str,
    plan_submitted: bool,
    volunteers: int,
    services: int,
    rated: int,
    average: float | None,
) -> dict[str, bool]:
    """Which of the five standards a station meets, from its figures for the month (the rules
    are in ``five_standards``'s docstring)."""
    return {
        "venue": bool(address.strip() and opening_hours.strip()),
        "plan": plan_submitted,
        "team": volunteers >= settings.WENMING_TEAM_MIN_VOLUNTEERS,
        "practice": services >= 1,
        "results": rated >= 1
        and average is not None
        and average >= settings.WENMING_RESULTS_MIN_RATING,
    }


def five_standards(area: Area, month: dt.date) -> dict:
    """The five standards (五有) of each station in the area, scored from data for ``month``.

    - venue 有阵地: the station has an address and opening hours;
    - plan 有计划: its monthly plan for ``month`` is submitted;
    - team 有队伍: at least WENMING_TEAM_MIN_VOLUNTEERS active volunteers live in its village
      (home village, not team membership: a village team may recruit from elsewhere, and
      residents are who the station can call on);
    - practice 有实践: at least one service (completed order or done event) in the month;
    - results 有成效: at least one rating given in the month, averaging at least
      WENMING_RESULTS_MIN_RATING.
    """
    stations = list(
        Position.objects.filter(area.q(), level=Position.Level.STATION, is_active=True)
        .order_by("town__sort_order", "town__name", "village__name")
        .values(
            "id",
            "name",
            "village_id",
            "village__name",
            "town_id",
            "town__name",
            "address",
            "opening_hours",
            "head_name",
            "head_phone",
        )
    )
    plans = set(
        MonthlyPlan.objects.filter(
            area.q(town="position__town", village="position__village"),
            month=month,
            status=MonthlyPlan.Status.SUBMITTED,
        ).values_list("position_id", flat=True)
    )
    teams = dict(
        Volunteer.objects.filter(area.q(town="town", village="home_village"), is_active=True)
        .values("home_village_id")
        .annotate(n=Count("id"))
        .values_list("home_village_id", "n")
    )
    practice = {
        row["village_id"]: row
        for row in VillageMonthCategory.objects.filter(area.q(), month=month)
        .values("village_id")
        .annotate(services=Sum("services"), rated=Sum("orders_rated"), stars=Sum("stars_sum"))
        .order_by()
    }
    rows = []
    towns: dict[int, dict] = {}
    for s in stations:
        p = practice.get(s["village_id"], {})
        rated = p.get("rated") or 0
        average = round(p["stars"] / rated, 2) if rated else None
        volunteers = teams.get(s["village_id"], 0)
        ticks = score_standards(
            address=s["address"],
            opening_hours=s["opening_hours"],
            plan_submitted=s["id"] in plans,
            volunteers=volunteers,
            services=p.get("services") or 0,
            rated=rated,
            average=average,
        )
        lacks = [k for k in STANDARDS if not ticks[k]]
        rows.append(
            {
                "station_id": s["id"],
                "station": s["name"],
                "village_id": s["village_id"],
                "village": s["village__name"],
                "town_id": s["town_id"],
                "town": s["town__name"],
                "head_name": s["head_name"],
                "head_phone": s["head_phone"],
                "volunteers": volunteers,
                "services": p.get("services") or 0,
                "ratings": rated,
                "average_rating": average,
                **ticks,
                "all_five": not lacks,
                "lacks": lacks,
            }
        )
        town = towns.setdefault(
            s["town_id"],
            {
                "town_id": s["town_id"],
                "town": s["town__name"],
                "stations": 0,
                "all_five": 0,
                **dict.fromkeys(STANDARDS, 0),
            },
        )
        town["stations"] += 1
        town["all_five"] += not lacks
        for k in STANDARDS:
            town[k] += ticks[k]
    town_rows = list(towns.values())
    for t in town_rows:
        t["percent"] = percent(t["all_five"], t["stations"])
    total = {"stations": len(rows), "all_five": sum(r["all_five"] for r in rows)}
    total["percent"] = percent(total["all_five"], total["stations"])
    return {
        "month": label(month),
        "level": area.level,
        "rules": {
            "team_min_volunteers": settings.WENMING_TEAM_MIN_VOLUNTEERS,
            "results_min_rating": settings.WENMING_RESULTS_MIN_RATING,
        },
        "totals": total,
        "towns": town_rows,
        "stations": rows,
    }


# --- Orders ------------------------------------------------------------------------------------

ORDER_DIMENSIONS = ["town", "category", "platform", "team"]


def _median_hours(seconds: list[int]) -> float | None:
    return round(statistics.median(seconds) / 3600, 1) if seconds else None


class _OrderTally:
    __slots__ = (
        "received",
        "accepted",
        "completed",
        "rated",
        "stars",
        "overdue",
        "to_accept",
        "to_complete",
    )

    def __init__(self) -> None:
        self.received = self.accepted = self.completed = self.rated = self.stars = self.overdue = 0
        self.to_accept: list[int] = []
        self.to_complete: list[int] = []

    def as_dict(self) -> dict:
        return {
            "received": self.received,
            "accepted": self.accepted,
            "completed": self.completed,
            "rated": self.rated,
            "median_hours_to_accept": _median_hours(self.to_accept),
            "median_hours_to_complete": _median_hours(self.to_complete),
            "average_rating": round(self.stars / self.rated, 2) if self.rated else None,
            "overdue": self.overdue,
        }


def orders(area: Area, start: dt.date, end: dt.date) -> dict:
    """Order KPIs for the months ``start``..``end``, in total and per town, category, platform
    and team.

    Each count counts in the month its moment happened: received (submitted), accepted,
    completed, rated. The median time to accept runs from submission to acceptance over orders
    accepted in the range; the time to complete from submission to completion over orders
    completed in it; the average rating over ratings given in it; overdue over orders received
    in it that waited longer than WENMING_ORDER_OVERDUE_HOURS for a taker (still waiting, or
    accepted late).
    """
    in_range = (
        Q(created_month__range=(start, end))
        | Q(accepted_month__range=(start, end))
        | Q(completed_month__range=(start, end))
        | Q(rated_month__range=(start, end))
    )
    facts = OrderFact.objects.filter(area.q(), in_range).values_list(
        "town_id",
        "category_id",
        "platform_id",
        "team_id",
        "created_month",
        "accepted_month",
        "completed_month",
        "rated_month",
        "accept_seconds",
        "complete_seconds",
        "stars",
        "overdue",
    )
    total = _OrderTally()
    groups: dict[str, dict] = {d: defaultdict(_OrderTally) for d in ORDER_DIMENSIONS}

    def within(m):
        return m is not None and start <= m <= end

    for town, category, platform, team, cm, am, dm, rm, acc_s, comp_s, stars, overdue in facts:
        tallies = (
            total,
            groups["town"][town],
            groups["category"][category],
            groups["platform"][platform],
            groups["team"][team],
        )
        for t in tallies:
            if within(cm):
                t.received += 1
                t.overdue += overdue
            if within(am):
                t.accepted += 1
                if acc_s is not None:
                    t.to_accept.append(acc_s)
            if within(dm):
                t.completed += 1
                if comp_s is not None:
                    t.to_complete.append(comp_s)
            if within(rm):
                t.rated += 1
                t.stars += stars or 0

    names = {
        "town": dict(Town.objects.values_list("id", "name")),
        "category": dict(ServiceCategory.objects.values_list("id", "name")),
        "platform": dict(Platform.objects.values_list("id", "name")),
        "team": dict(
            Team.objects.filter(pk__in=[k for k in groups["team"] if k]).values_list("id", "name")
        ),
    }
    out = {"from": label(start), "to": label(end), "level": area.level, "totals": total.as_dict()}
    for dim in ORDER_DIMENSIONS:
        rows = [
            {"id": key, "name": names[dim].get(key, "") if key else "", **tally.as_dict()}
            for key, tally in groups[dim].items()
        ]
        rows.sort(key=lambda r: (-r["received"], -r["completed"], r["name"]))
        out[f"by_{dim}"] = rows
    return out


# --- Volunteers --------------------------------------------------------------------------------

DETACHMENT_KINDS = {Team.Kind.DETACHMENT, Team.Kind.TOWN_DETACHMENT}


def volunteers(area: Area, start: dt.date, end: dt.date, *, top: int = 10) -> dict:
    """Active volunteers and hours served in ``start``..``end``, by town and by detachment,
    and the teams that served most.

    Hours are those of completed orders (credited to the accepting team, else the team that
    offers the menu item) and of done village events (credited to the organising team); a
    team's hours roll up to the detachment (特色服务支队 or 镇街支队) above it.
    """
    active = dict(
        Volunteer.objects.filter(area.q(town="town", village="home_village"), is_active=True)
        .values("town_id")
        .annotate(n=Count("id"))
        .values_list("town_id", "n")
    )
    hours = {
        row["town_id"]: row
        for row in VillageMonthCategory.objects.filter(area.q(), month__gte=start, month__lte=end)
        .values("town_id")
        .annotate(h=Sum("volunteer_hours"), services=Sum("services"))
        .order_by()
    }
    town_names = dict(
        Town.objects.filter(pk__in=set(active) | set(hours)).values_list("id", "name")
    )
    towns = [
        {
            "town_id": tid,
            "town": town_names.get(tid, ""),
            "active_volunteers": active.get(tid, 0),
            "hours": float(hours.get(tid, {}).get("h") or 0),
            "services": hours.get(tid, {}).get("services") or 0,
        }
        for tid in sorted(set(active) | set(hours), key=lambda t: town_names.get(t, ""))
    ]

    per_team: dict[int | None, dict] = defaultdict(lambda: {"hours": Decimal(0), "services": 0})
    for row in (
        OrderFact.objects.filter(area.q(), completed_month__gte=start, completed_month__lte=end)
        .values("team_id")
        .annotate(h=Sum("hours"), n=Count("order_id"))
        .order_by()
    ):
        per_team[row["team_id"]]["hours"] += row["h"] or 0
        per_team[row["team_id"]]["services"] += row["n"]
    lo, hi = bounds(start, end)
    done = Event.objects.filter(
        area.q(), state=Event.State.DONE, village__isnull=False, end__gte=lo, end__lt=hi
    )
    for row in done.values("organiser_team_id").annotate(n=Count("id")).order_by():
        per_team[row["organiser_team_id"]]["services"] += row["n"]
    for row in (
        EventVolunteer.objects.filter(Q(confirmed=True) | Q(checked_in=True), event__in=done)
        .values("event__organiser_team_id")
        .annotate(h=Sum("hours"))
        .order_by()
    ):
        per_team[row["event__organiser_team_id"]]["hours"] += row["h"] or 0

    teams = {t["id"]: t for t in Team.objects.values("id", "name", "kind", "parent_id", "town_id")}

    def detachment_of(team_id):
        seen = set()
        while team_id is not None and team_id not in seen:
            seen.add(team_id)
            team = teams.get(team_id)
            if team is None:
                return None
            if team["kind"] in DETACHMENT_KINDS:
                return team_id
            team_id = team["parent_id"]
        return None

    per_detachment: dict[int | None, dict] = defaultdict(
        lambda: {"hours": Decimal(0), "services": 0}
    )
    for team_id, v in per_team.items():
        d = per_detachment[detachment_of(team_id)]
        d["hours"] += v["hours"]
        d["services"] += v["services"]
    detachments = sorted(
        (
            {
                "team_id": tid,
                "team": teams[tid]["name"] if tid else "",
                "kind": teams[tid]["kind"] if tid else "",
                "hours": float(v["hours"]),
                "services": v["services"],
            }
            for tid, v in per_detachment.items()
        ),
        key=lambda r: (-r["hours"], -r["services"], r["team"]),
    )
    top_teams = sorted(
        (
            {
                "team_id": tid,
                "team": teams[tid]["name"],
                "kind": teams[tid]["kind"],
                "hours": float(v["hours"]),
                "services": v["services"],
            }
            for tid, v in per_team.items()
            if tid is not None and tid in teams
        ),
        key=lambda r: (-r["services"], -r["hours"], r["team"]),
    )[:top]
    return {
        "from": label(start),
        "to": label(end),
        "level": area.level,
        "totals": {
            "active_volunteers": sum(active.values()),
            "hours": float(sum((Decimal(h.get("h") or 0) for h in hours.values()), Decimal(0))),
        },
        "towns": towns,
        "detachments": detachments,
        "top_teams": top_teams,
    }
