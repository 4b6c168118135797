"""The volunteers report (志愿者统计): active volunteers, hours served and points earned and
redeemed over a range of months, by town and by detachment, and the teams that served most."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Q, Sum

from core.months import bounds, label
from events.models import Event, EventVolunteer
from reports import figures
from reports.models import OrderFact, VillageMonthCategory
from reports.selectors.area import Area, Report
from reports.selectors.team import team_at_month_end
from stations.models import Town
from volunteers.models import PointsEntry, Team

DETACHMENT_KINDS = {Team.Kind.DETACHMENT, Team.Kind.TOWN_DETACHMENT}


@dataclass
class TownVolunteers:
    town_id: int
    town: str
    active_volunteers: int
    hours: float
    services: int
    points_earned: int = 0
    points_redeemed: int = 0


@dataclass
class TeamHours:
    team_id: int | None
    team: str
    kind: str
    hours: float
    services: int


@dataclass
class VolunteerTotals:
    active_volunteers: int
    hours: float
    points_earned: int = 0
    points_redeemed: int = 0


@dataclass
class VolunteersReport(Report):
    start: str
    to: str
    level: str
    totals: VolunteerTotals
    towns: list[TownVolunteers]
    detachments: list[TeamHours]
    top_teams: list[TeamHours]

    def as_dict(self) -> dict:
        data = super().as_dict()
        return {"from": data.pop("start"), **data}


def volunteers(area: Area, start: dt.date, end: dt.date, *, top: int = 10) -> VolunteersReport:
    """Active volunteers at the end of ``end`` and hours served in ``start``..``end``, by town
    and by detachment, and the teams that served most.

    Hours are those of completed orders (credited to the accepting team, else the team that
    offers the menu item) and of done village events (credited to the organising team); a
    team's hours roll up to the detachment (特色服务支队 or 镇街支队) above it.
    """
    active = dict(
        team_at_month_end(end)
        .filter(area.q(town="town_id", village="village_id"))
        .values("town_id")
        .annotate(n=Count("volunteer_id"))
        .order_by()
        .values_list("town_id", "n")
    )
    hours = {
        row["town_id"]: row
        for row in VillageMonthCategory.objects.filter(area.q(), month__gte=start, month__lte=end)
        .values("town_id")
        .annotate(h=Sum("volunteer_hours"), services=Sum("services"))
        .order_by()
    }
    lo, hi = bounds(start, end)
    # Points (积分) in the range, by the town the volunteer lived in when the entry was made:
    # earned net of reversals (hours revoked), and redeemed at the stations' supermarkets.
    redeem = Q(kind=PointsEntry.Kind.REDEEM)
    points = {
        row["town_id"]: row
        for row in PointsEntry.objects.filter(
            area.q(town="town", village="volunteer__home_village"),
            created_at__gte=lo,
            created_at__lt=hi,
        )
        .values("town_id")
        .annotate(earned=Sum("points", filter=~redeem), redeemed=Sum("points", filter=redeem))
        .order_by()
    }
    town_ids = set(active) | set(hours) | set(points)
    town_names = dict(Town.objects.filter(pk__in=town_ids).values_list("id", "name"))
    towns = [
        TownVolunteers(
            town_id=tid,
            town=town_names.get(tid, ""),
            active_volunteers=active.get(tid, 0),
            hours=float(hours.get(tid, {}).get("h") or 0),
            services=hours.get(tid, {}).get("services") or 0,
            points_earned=points.get(tid, {}).get("earned") or 0,
            points_redeemed=-(points.get(tid, {}).get("redeemed") or 0),
        )
        for tid in sorted(town_ids, key=lambda t: town_names.get(t, ""))
    ]

    # A done event is a service in the month it ends (``figures.event_service_month_field``).
    field = figures.event_service_month_field
    done = Event.objects.filter(
        area.q(),
        state=Event.State.DONE,
        village__isnull=False,
        **{f"{field}__gte": lo, f"{field}__lt": hi},
    )
    served = OrderFact.objects.filter(
        area.q(), completed_month__gte=start, completed_month__lte=end
    )
    try:
        by_team = _teams_in_database(served, done, top)
    except EmptyResultSet:  # an area with no town and no village: nothing to count
        by_team = None
    if by_team is None:
        by_team = _teams_in_python(served, done, top)
    detachments, top_teams = by_team
    return VolunteersReport(
        start=label(start),
        to=label(end),
        level=area.level,
        totals=VolunteerTotals(
            active_volunteers=sum(active.values()),
            hours=float(sum((Decimal(h.get("h") or 0) for h in hours.values()), Decimal(0))),
            points_earned=sum(t.points_earned for t in towns),
            points_redeemed=sum(t.points_redeemed for t in towns),
        ),
        towns=towns,
        detachments=detachments,
        top_teams=top_teams,
    )


def _teams_in_python(served, done, top: int) -> tuple[list[TeamHours], list[TeamHours]]:
    """Hours and services per detachment and the ``top`` teams, from every team's figures read
    here (SQLite; and the reference the database's figures are tested against). ``served``:
    the order facts completed in the range; ``done``: the events done in it."""
    per_team: dict[int | None, dict] = defaultdict(lambda: {"hours": Decimal(0), "services": 0})
    for row in served.values("team_id").annotate(h=Sum("hours"), n=Count("order_id")).order_by():
        per_team[row["team_id"]]["hours"] += row["h"] or 0
        per_team[row["team_id"]]["services"] += row["n"]
    for row in done.values("organiser_team_id").annotate(n=Count("id")).order_by():
        per_team[row["organiser_team_id"]]["services"] += row["n"]
    for row in (
        EventVolunteer.objects.filter(figures.counted_event_hours, event__in=done)
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
            TeamHours(
                team_id=tid,
                team=teams[tid]["name"] if tid else "",
                kind=teams[tid]["kind"] if tid else "",
                hours=float(v["hours"]),
                services=v["services"],
            )
            for tid, v in per_detachment.items()
        ),
        key=lambda r: (-r.hours, -r.services, r.team),
    )
    top_teams = sorted(
        (
            TeamHours(
                team_id=tid,
                team=teams[tid]["name"],
                kind=teams[tid]["kind"],
                hours=float(v["hours"]),
                services=v["services"],
            )
            for tid, v in per_team.items()
            if tid is not None and tid in teams
        ),
        # The id last: teams equal in all else in one order, as in ``_teams_in_database``.
        key=lambda r: (-r.services, -r.hours, r.team, r.team_id),
    )[:top]
    return detachments, top_teams


def _teams_in_database(served, done, top: int) -> tuple[list[TeamHours], list[TeamHours]] | None:
    """The same in one PostgreSQL statement: each team's figures summed there, its detachment
    found by walking up its parents (a recursive query, stopping at a cycle as
    ``detachment_of`` does), and only the detachments' sums and the ``top`` teams sent back,
    so a province's 73,000 teams are not read into Python. None where the database cannot.
    ``tests/reports/test_volunteers_in_sql.py`` holds the two paths equal."""
    if connection.vendor != "postgresql":
        return None
    orders_sql, orders_params = (
        served.values("team_id").annotate(h=Sum("hours"), n=Count("order_id")).order_by()
    ).query.sql_with_params()
    events_sql, events_params = (
        done.values("organiser_team_id").annotate(n=Count("id")).order_by()
    ).query.sql_with_params()
    hours_sql, hours_params = (
        EventVolunteer.objects.filter(figures.counted_event_hours, event__in=done)
        .values("event__organiser_team_id")
        .annotate(h=Sum("hours"))
        .order_by()
    ).query.sql_with_params()
    team_table = connection.ops.quote_name(Team._meta.db_table)
    kinds = sorted(DETACHMENT_KINDS)
    # ``"C"``: names in code-point order, as Python compares strings.
    sql = f"""
        WITH RECURSIVE per_source(team, h, n) AS (
            SELECT team, h, n FROM ({orders_sql}) AS o(team, h, n)
            UNION ALL SELECT team, 0, n FROM ({events_sql}) AS e(team, n)
            UNION ALL SELECT team, h, 0 FROM ({hours_sql}) AS v(team, h)
        ), per_team(team, h, n) AS (
            SELECT team, coalesce(sum(h), 0), sum(n) FROM per_source GROUP BY team
        ), up(start, cur, path) AS (
            SELECT team, team, ARRAY[team] FROM per_team WHERE team IS NOT NULL
            UNION ALL
            SELECT up.start, t.parent_id, up.path || t.parent_id
            FROM up JOIN {team_table} t ON t.id = up.cur
            WHERE t.kind NOT IN (%s, %s) AND t.parent_id IS NOT NULL
              AND NOT t.parent_id = ANY(up.path)
        ), detachment(start, team) AS (
            SELECT up.start, up.cur FROM up JOIN {team_table} t ON t.id = up.cur
            WHERE t.kind IN (%s, %s)
        )
        SELECT 'detachment', d.team, t.name, t.kind, sum(x.h), sum(x.n)
        FROM per_team x LEFT JOIN detachment d ON d.start = x.team
            LEFT JOIN {team_table} t ON t.id = d.team
        GROUP BY d.team, t.name, t.kind
        UNION ALL (
            SELECT 'team', x.team, t.name, t.kind, x.h, x.n
            FROM per_team x JOIN {team_table} t ON t.id = x.team
            ORDER BY x.n DESC, x.h DESC, t.name COLLATE "C", x.team
            LIMIT %s
        )
    """  # noqa: S608 - names from _meta; values are parameters
    params = [*orders_params, *events_params, *hours_params, *kinds, *kinds, top]
    detachments, top_teams = [], []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for what, tid, name, kind, hours, services in cursor.fetchall():
            row = TeamHours(
                team_id=tid,
                team=name or "",
                kind=kind or "",
                hours=float(hours),
                services=int(services),
            )
            (detachments if what == "detachment" else top_teams).append(row)
    detachments.sort(key=lambda r: (-r.hours, -r.services, r.team))
    return detachments, top_teams
