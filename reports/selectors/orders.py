"""The orders report (点单统计): order KPIs over a range of months, in total and per town,
category, platform, team and tier (村级/镇街/市级: the tier the order had climbed to when it was
accepted, i.e. the tier that served it), read from ``OrderFact``."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from core.months import label
from core.names import in_language
from orders.models import Order, Platform, ServiceCategory
from reports import figures
from reports.models import OrderFact
from reports.selectors.area import Area, Report
from stations.models import Town
from volunteers.models import Team

ORDER_DIMENSIONS = ["town", "category", "platform", "team", "channel", "tier"]


def _hours(seconds: float | None) -> float | None:
    return round(seconds / 3600, 1) if seconds is not None else None


@dataclass
class OrderKpis:
    received: int
    accepted: int
    completed: int
    rated: int
    median_hours_to_accept: float | None
    median_hours_to_complete: float | None
    average_rating: float | None
    overdue: int


@dataclass
class OrderGroup(OrderKpis):
    id: int | None = None
    name: str = ""


@dataclass
class OrderChannelGroup(OrderKpis):
    """The figures of one door (``Order.Channel``): web, kiosk, proxy, API, Open311."""

    channel: str = ""
    name: str = ""


@dataclass
class TierGroup(OrderKpis):
    tier: str = ""
    name: str = ""


@dataclass
class _Tally:
    received: int = 0
    accepted: int = 0
    completed: int = 0
    rated: int = 0
    stars: int = 0
    overdue: int = 0
    to_accept: list[int] = field(default_factory=list)
    to_complete: list[int] = field(default_factory=list)
    # The medians in seconds, when the database computed them (``_tally_in_database``).
    median_accept: float | None = None
    median_complete: float | None = None

    def kpis(self) -> dict:
        accept = statistics.median(self.to_accept) if self.to_accept else self.median_accept
        complete = statistics.median(self.to_complete) if self.to_complete else self.median_complete
        return {
            "received": self.received,
            "accepted": self.accepted,
            "completed": self.completed,
            "rated": self.rated,
            "median_hours_to_accept": _hours(accept),
            "median_hours_to_complete": _hours(complete),
            "average_rating": round(self.stars / self.rated, 2) if self.rated else None,
            "overdue": self.overdue,
        }


@dataclass
class OrdersReport(Report):
    start: str
    to: str
    level: str
    totals: OrderKpis
    by_town: list[OrderGroup]
    by_category: list[OrderGroup]
    by_platform: list[OrderGroup]
    by_team: list[OrderGroup]
    by_channel: list[OrderChannelGroup]
    # Every tier, village to city, even with nothing in it: escalation is read at a glance.
    by_tier: list[TierGroup]
    # Every team with an order in the range, counted; ``by_team`` may hold only the first of
    # them (a page's, see ``orders``), the API and the exports hold them all.
    by_team_total: int
    # The next moment an order in the range becomes overdue: the figures hold until then (a
    # cached page is recomputed after it). Not part of the JSON.
    fresh_until: dt.datetime | None = None

    def as_dict(self) -> dict:
        # "from" is a Python keyword: the field is ``start``, the JSON key "from", first.
        data = super().as_dict()
        del data["fresh_until"]
        return {"from": data.pop("start"), **data}


def orders(
    area: Area, start: dt.date, end: dt.date, *, team_limit: int | None = None
) -> OrdersReport:
    """Order KPIs for the months ``start``..``end``, in total and per town, category, platform,
    team and tier.

    Each count counts in the month its moment happened (see README "Report figures"):
    received, accepted, completed, rated; overdue in the month the order was received. The
    median time to accept runs from submission to acceptance over orders accepted in the
    range; the time to complete from submission to completion over orders completed in it; the
    average rating over ratings given in it.

    ``team_limit``: only the first teams of ``by_team`` (a page's), in the same order: a
    province's 73,000 teams were each named, built and sorted for a page showing 200.
    """
    in_range = (
        Q(created_month__range=(start, end))
        | Q(accepted_month__range=(start, end))
        | Q(completed_month__range=(start, end))
        | Q(rated_month__range=(start, end))
    )
    facts = OrderFact.objects.filter(area.q(), in_range)
    now = timezone.now()
    try:
        tallied = _tally_in_database(facts, start, end, now, team_limit=team_limit)
    except EmptyResultSet:  # an area with no town and no village: nothing to count
        tallied = None
    if tallied is None:
        tallied = (*_tally_in_python(facts, start, end, now), None)
    total, groups, fresh_until, team_total = tallied

    names = {
        "town": dict(Town.objects.values_list("id", "name")),
        "category": _names_in_language(ServiceCategory),
        "platform": _names_in_language(Platform),
    }
    by: dict[str, list] = {}
    for dim in ORDER_DIMENSIONS:
        if dim in ("channel", "tier"):
            continue
        limit = team_limit if dim == "team" else None
        tallies = _leading(groups[dim], limit)
        if dim == "team":
            names[dim] = dict(
                Team.objects.filter(pk__in=[k for k in tallies if k]).values_list("id", "name")
            )
        rows = [
            OrderGroup(**tally.kpis(), id=key, name=names[dim].get(key, "") if key else "")
            for key, tally in tallies.items()
        ]
        rows.sort(key=group_order)
        by[dim] = rows[:limit]
    # Every door is listed, also one nobody used in the range: a zero is the news there.
    channel_rows = [
        OrderChannelGroup(**groups["channel"][value].kpis(), channel=value, name=str(name))
        for value, name in Order.Channel.choices
    ]
    return OrdersReport(
        start=label(start),
        to=label(end),
        level=area.level,
        totals=OrderKpis(**total.kpis()),
        by_town=by["town"],
        by_category=by["category"],
        by_platform=by["platform"],
        by_team=by["team"],
        by_team_total=len(groups["team"]) if team_total is None else team_total,
        by_channel=channel_rows,
        by_tier=[
            TierGroup(**groups["tier"][value].kpis(), tier=value, name=str(name))
            for value, name in Order.Tier.choices
        ],
        fresh_until=fresh_until,
    )


def group_order(row: OrderGroup) -> tuple:
    """The order of a grouping's rows: most received, then most completed, then by name, then
    by id (no team first), so a page's first rows are the first rows of the export."""
    return (-row.received, -row.completed, row.name, row.id is not None, row.id or 0)


def _leading(tallies: dict, limit: int | None) -> dict:
    """The groups that can be among the first ``limit`` in the report's order (most received,
    then most completed, then by name): those ranking at or above the ``limit``-th by the two
    counts, ties included, so only their names need reading (``group_order`` then ranks
    them)."""
    if limit is None or len(tallies) <= limit:
        return tallies
    ranked = sorted(tallies.values(), key=lambda t: (-t.received, -t.completed))
    edge = (ranked[limit - 1].received, ranked[limit - 1].completed)
    return {k: t for k, t in tallies.items() if (t.received, t.completed) >= edge}


def _tally_in_python(facts, start: dt.date, end: dt.date, now: dt.datetime):
    """Every fact read and tallied here (SQLite; and the reference the database's figures are
    tested against)."""
    facts = facts.values_list(
        "town_id",
        "category_id",
        "platform_id",
        "team_id",
        "channel",
        "tier",
        "created_month",
        "accepted_month",
        "completed_month",
        "rated_month",
        "accept_seconds",
        "complete_seconds",
        "stars",
        "overdue_at",
    )
    total = _Tally()
    groups: dict[str, dict] = {d: defaultdict(_Tally) for d in ORDER_DIMENSIONS}

    def within(m):
        return m is not None and start <= m <= end

    fresh_until = None
    for (
        town,
        category,
        platform,
        team,
        channel,
        tier,
        cm,
        am,
        dm,
        rm,
        acc_s,
        comp_s,
        stars,
        due,
    ) in facts:
        overdue = figures.counts_as_overdue(due, now)
        if due is not None and not overdue and within(cm):
            fresh_until = due if fresh_until is None else min(fresh_until, due)
        tallies = (
            total,
            groups["town"][town],
            groups["category"][category],
            groups["platform"][platform],
            groups["team"][team],
            groups["channel"][channel],
            groups["tier"][tier],
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

    return total, groups, fresh_until


_DIMENSION_COLUMNS = {
    "town": "town_id",
    "category": "category_id",
    "platform": "platform_id",
    "team": "team_id",
    "channel": "channel",
    "tier": "tier",
}


def _tally_in_database(
    facts, start: dt.date, end: dt.date, now: dt.datetime, *, team_limit: int | None = None
):
    """The same tallies in one PostgreSQL statement (``GROUPING SETS``, medians by
    ``percentile_cont``, which like ``statistics.median`` averages the middle two), so a city
    of a million orders is not read into Python. None where the database cannot.

    Nothing here restates a figure: the months each fact counts in, and its overdue moment
    (the WENMING_ORDER_OVERDUE_HOURS deadline and the waiting statuses), were set by
    ``reports.figures`` when the fact was written; whether that moment has passed is
    ``figures.overdue_by``, compiled below, the filter twin of the ``counts_as_overdue`` that
    ``_tally_in_python`` calls. ``tests/reports/test_orders_in_sql.py`` holds the two paths
    equal.

    ``team_limit``: the teams in a second statement that ranks them in the report's order
    (``group_order``) and tallies only the first ``team_limit``, with the number of teams: a
    province's 73,000 teams' medians were computed and read back for a page showing 200.
    """
    if connection.vendor != "postgresql":
        return None
    where, where_params = _compiled(facts)
    overdue, overdue_params = _compiled(OrderFact.objects.filter(figures.overdue_by(now)))
    # Not overdue yet (NULL moments drop out of min()): when the cached figures expire.
    later, later_params = _compiled(OrderFact.objects.filter(~figures.overdue_by(now)))
    dims = [d for d in ORDER_DIMENSIONS if not (team_limit is not None and d == "team")]
    columns = [_DIMENSION_COLUMNS[d] for d in dims]
    span = "BETWEEN %s AND %s"
    tallies = f"""
          count(*) FILTER (WHERE created_month {span}),
          count(*) FILTER (WHERE created_month {span} AND ({overdue})),
          count(*) FILTER (WHERE accepted_month {span}),
          percentile_cont(0.5) WITHIN GROUP (ORDER BY accept_seconds)
            FILTER (WHERE accepted_month {span}),
          count(*) FILTER (WHERE completed_month {span}),
          percentile_cont(0.5) WITHIN GROUP (ORDER BY complete_seconds)
            FILTER (WHERE completed_month {span}),
          count(*) FILTER (WHERE rated_month {span}),
          coalesce(sum(stars) FILTER (WHERE rated_month {span}), 0),
          min(overdue_at) FILTER (WHERE created_month {span} AND ({later}))
    """
    r = [start, end]
    tally_params = [*r, *r, *overdue_params, *r, *r, *r, *r, *r, *r, *r, *later_params]
    table = connection.ops.quote_name(OrderFact._meta.db_table)
    sql = f"""
        SELECT {", ".join(columns)}, {", ".join(f"GROUPING({c})" for c in columns)},
          {tallies}
        FROM {table}
        WHERE {where}
        GROUP BY GROUPING SETS ((), {", ".join(f"({c})" for c in columns)})
    """  # noqa: S608 - names from _meta and constants; values are parameters
    total = _Tally()
    groups: dict[str, dict] = {d: defaultdict(_Tally) for d in ORDER_DIMENSIONS}
    fresh_until = None
    team_total = None
    n = len(columns)

    def tally_of(figures_) -> tuple[_Tally, dt.datetime | None]:
        received, overdue, accepted, m_acc, completed, m_comp, rated, stars, due = figures_
        return _Tally(
            received=received,
            accepted=accepted,
            completed=completed,
            rated=rated,
            stars=stars,
            overdue=overdue,
            median_accept=m_acc,
            median_complete=m_comp,
        ), due

    with connection.cursor() as cursor:
        cursor.execute(sql, [*tally_params, *where_params])
        for row in cursor.fetchall():
            keys, grouped, figures_ = row[:n], row[n : 2 * n], row[2 * n :]
            tally, due = tally_of(figures_)
            grouped_by = [d for d, g in zip(dims, grouped, strict=True) if g == 0]
            if not grouped_by:
                total = tally
                fresh_until = due
            else:
                dim = grouped_by[0]
                groups[dim][keys[dims.index(dim)]] = tally
        if team_limit is not None:
            team_table = connection.ops.quote_name(Team._meta.db_table)
            # Ranked by the two counts, the name in code-point order (``"C"``, as Python
            # compares strings) and the id; joined on 0 for "no team" so the join can hash.
            cursor.execute(
                f"""
                WITH counts AS (
                    SELECT team_id,
                      count(*) FILTER (WHERE created_month {span}) AS received,
                      count(*) FILTER (WHERE completed_month {span}) AS completed
                    FROM {table} WHERE {where} GROUP BY team_id
                ), ranked AS (
                    SELECT c.team_id, count(*) OVER () AS teams
                    FROM counts c LEFT JOIN {team_table} t ON t.id = c.team_id
                    ORDER BY c.received DESC, c.completed DESC,
                      coalesce(t.name, '') COLLATE "C", c.team_id IS NOT NULL, c.team_id
                    LIMIT %s
                )
                SELECT ranked.team_id, ranked.teams, {tallies}
                FROM {table} JOIN ranked
                  ON coalesce({table}.team_id, 0) = coalesce(ranked.team_id, 0)
                WHERE {where}
                GROUP BY ranked.team_id, ranked.teams
                """,  # noqa: S608 - names from _meta and constants; values are parameters
                [*r, *r, *where_params, team_limit, *tally_params, *where_params],
            )
            team_total = 0
            for team_id, teams, *figures_ in cursor.fetchall():
                groups["team"][team_id] = tally_of(figures_)[0]
                team_total = teams
    return total, groups, fresh_until, team_total


def _compiled(facts) -> tuple[str, list]:
    """The WHERE clause of a query on ``OrderFact`` as SQL and its parameters (columns named
    with the table, which the statement above reads unaliased)."""
    query = facts.query
    where, params = query.get_compiler(connection=connection).compile(query.where)
    return where, list(params)


def _names_in_language(model) -> dict[int, str]:
    """Category or platform names in the reader's language (``core.names``), by id."""
    return {
        pk: in_language(name, name_en)
        for pk, name, name_en in model.objects.values_list("id", "name", "name_en")
    }
