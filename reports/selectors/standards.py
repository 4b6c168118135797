"""The five-standards report (五有达标): each station's standards for a month, and each town's
share of stations meeting all five. The rule itself is ``reports.five_standards``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Sum

from core.months import label
from events.models import MonthlyPlan
from reports.five_standards import STANDARDS, lacking, score_standards
from reports.models import VillageMonthCategory
from reports.selectors.area import Area, Report, percent
from reports.selectors.team import team_at_month_end
from stations.models import Position


@dataclass
class StationStandards:
    station_id: int
    station: str
    village_id: int
    village: str
    town_id: int
    town: str
    head_name: str
    head_phone: str
    volunteers: int
    services: int
    ratings: int
    average_rating: float | None
    venue: bool
    plan: bool
    team: bool
    practice: bool
    results: bool
    all_five: bool
    lacks: list[str]


@dataclass
class TownStandards:
    town_id: int
    town: str
    stations: int = 0
    all_five: int = 0
    percent: float = 0.0
    venue: int = 0
    plan: int = 0
    team: int = 0
    practice: int = 0
    results: int = 0


@dataclass
class StandardsTotals:
    stations: int
    all_five: int
    percent: float


@dataclass
class StandardsRules:
    team_min_volunteers: int
    results_min_rating: float


@dataclass
class FiveStandards(Report):
    month: str
    level: str
    rules: StandardsRules
    totals: StandardsTotals
    towns: list[TownStandards]
    stations: list[StationStandards]
    # Every active station of the area, counted; ``stations`` may hold only the first of them
    # (a page's, see ``five_standards``), the API and the exports hold them all.
    stations_total: int


def five_standards(
    area: Area, month: dt.date, *, station_limit: int | None = None
) -> FiveStandards:
    """The five standards (五有) of each active station in the area, scored from its figures
    for ``month`` by ``reports.five_standards.score_standards``. With ``station_limit``, every
    station is scored and tallied but only the first ones are listed (a page's: a province has
    73,000 stations, and building each one's row was a third of the cold page)."""
    # Tuples, not dicts: a province reads 73,000 stations and their figures here.
    stations = list(
        Position.objects.filter(area.q(), level=Position.Level.STATION, is_active=True)
        .order_by("town__sort_order", "town__name", "village__name", "pk")
        .values_list(
            "id",
            "village_id",
            "town_id",
            "town__name",
            "address",
            "opening_hours",
            "name",
            "village__name",
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
        team_at_month_end(month)
        .filter(area.q(town="town_id", village="village_id"))
        .values("village_id")
        .annotate(n=Count("volunteer_id"))
        .order_by()
        .values_list("village_id", "n")
    )
    practice = {
        village_id: (services, rated, stars)
        for village_id, services, rated, stars in VillageMonthCategory.objects.filter(
            area.q(), month=month
        )
        .values("village_id")
        .annotate(services=Sum("services"), rated=Sum("orders_rated"), stars=Sum("stars_sum"))
        .order_by()
        .values_list("village_id", "services", "rated", "stars")
    }
    rows = []
    # Per town: its name, then stations, all five and each standard met, in STANDARDS order.
    towns: dict[int, list] = {}
    all_five = 0
    listed = len(stations) if station_limit is None else station_limit
    nothing = (0, 0, 0)
    for i, (station_id, village_id, town_id, town_name, address, hours, *named) in enumerate(
        stations
    ):
        services, rated, stars = practice.get(village_id, nothing)
        rated = rated or 0
        average = round(stars / rated, 2) if rated else None
        volunteers = teams.get(village_id, 0)
        services = services or 0
        ticks = score_standards(
            address=address,
            opening_hours=hours,
            plan_submitted=station_id in plans,
            volunteers=volunteers,
            services=services,
            rated=rated,
            average=average,
        )
        met = [ticks[k] for k in STANDARDS]
        every = all(met)
        all_five += every
        if i < listed:
            name, village_name, head_name, head_phone = named
            rows.append(
                StationStandards(
                    station_id=station_id,
                    station=name,
                    village_id=village_id,
                    village=village_name,
                    town_id=town_id,
                    town=town_name,
                    head_name=head_name,
                    head_phone=head_phone,
                    volunteers=volunteers,
                    services=services,
                    ratings=rated,
                    average_rating=average,
                    **ticks,
                    all_five=every,
                    lacks=lacking(ticks),
                )
            )
        town = towns.get(town_id)
        if town is None:
            town = towns[town_id] = [town_name, 0, 0, *(0 for _ in STANDARDS)]
        town[1] += 1
        town[2] += every
        for j, ok in enumerate(met, start=3):
            town[j] += ok
    town_rows = [
        TownStandards(
            town_id,
            name,
            stations=n,
            all_five=five,
            percent=percent(five, n),
            **dict(zip(STANDARDS, counts, strict=True)),
        )
        for town_id, (name, n, five, *counts) in towns.items()
    ]
    return FiveStandards(
        month=label(month),
        level=area.level,
        rules=StandardsRules(
            team_min_volunteers=settings.WENMING_TEAM_MIN_VOLUNTEERS,
            results_min_rating=settings.WENMING_RESULTS_MIN_RATING,
        ),
        totals=StandardsTotals(len(stations), all_five, percent(all_five, len(stations))),
        towns=town_rows,
        stations=rows,
        stations_total=len(stations),
    )
