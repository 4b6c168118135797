"""The orders report's tallies on PostgreSQL come from one SQL statement (GROUPING SETS,
percentile_cont medians); they must be exactly what reading every fact in Python gives."""

import datetime as dt
import importlib
import random

import pytest
from django.db import connection

from orders.models import Order
from reports import services
from reports.selectors.area import resolve_area
from stations.scope import scope_for
from tests import factories as f
from tests.reports.factories import at, make_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's"),
]
S = Order.Status
# The module, not the function of the same name that reports.selectors exports.
orders_report = importlib.import_module("reports.selectors.orders")


@pytest.fixture
def varied(october, menu_item, other_village):
    """On top of October's orders: forty more across the year in every state, odd and even
    counts per group (medians), orders overdue and about to be, two teams and none (the
    orders nobody took)."""
    rng = random.Random(7)
    villages = [october["qianjin"], october["hongqi"], october["tuanjie"], other_village]
    teams = [f.TeamFactory(name=f"第{n}队", village=october["qianjin"]) for n in (1, 2)]
    for i in range(40):
        month = rng.randint(6, 11)
        created = at(2026, month, rng.randint(1, 20), rng.randint(8, 18))
        status = rng.choice([S.OPEN, S.ACCEPTED, S.COMPLETED, S.RATED, S.CANCELLED])
        accepted = created + dt.timedelta(hours=rng.randint(1, 90)) if status != S.OPEN else None
        completed = (
            accepted + dt.timedelta(hours=rng.randint(2, 400))
            if status in (S.COMPLETED, S.RATED)
            else None
        )
        make_order(
            village=villages[i % 4],
            menu_item=menu_item,
            status=status,
            created_at=created,
            accepted_at=accepted if status != S.CANCELLED else None,
            completed_at=completed,
            rated_at=completed + dt.timedelta(days=2) if status == S.RATED else None,
            closed_at=created + dt.timedelta(hours=3) if status == S.CANCELLED else None,
            stars=rng.randint(1, 5) if status == S.RATED else None,
            hours=1 if completed else None,
            accepted_team=teams[i % 2] if accepted and status != S.CANCELLED else None,
            notify=False,
        )
    services.rebuild()
    return october


@pytest.mark.parametrize("who", ["city_admin", "town_admin", "station_head"])
@pytest.mark.parametrize("months", [("2026-10", "2026-10"), ("2026-01", "2026-12")])
def test_database_tallies_are_the_python_tallies(request, varied, monkeypatch, who, months):
    area = resolve_area(scope_for(request.getfixturevalue(who)))
    start, end = (dt.date.fromisoformat(f"{m}-01") for m in months)
    in_sql = orders_report.orders(area, start, end)
    monkeypatch.setattr(orders_report, "_tally_in_database", lambda *args, **kwargs: None)
    in_python = orders_report.orders(area, start, end)
    assert in_sql.as_dict() == in_python.as_dict()
    assert in_sql.fresh_until == in_python.fresh_until
    assert in_sql.totals.received > 0


@pytest.mark.parametrize("who", ["city_admin", "town_admin"])
def test_a_page_ranks_the_first_teams_in_the_database_as_the_whole_report_does(
    request, varied, who
):
    """A page's teams (``team_limit``) are ranked and tallied in a statement of their own:
    they are the first rows of the full report, ties on the counts and the name decided by the
    id, and every other figure is the full report's."""
    for _ in range(2):  # two teams of one name with one order each: a tie but for the id
        make_order(
            village=varied["qianjin"],
            menu_item=varied["orders"]["A"].menu_item,
            status=S.ACCEPTED,
            created_at=at(2026, 10, 5),
            accepted_at=at(2026, 10, 5, 13),
            accepted_team=f.TeamFactory(name="同名队", village=varied["qianjin"]),
            notify=False,
        )
    # One order each: 甲队's completed ranks it first, though 乙队 comes first by name.
    for name, completed in (("甲队", at(2026, 10, 6)), ("乙队", None)):
        make_order(
            village=varied["qianjin"],
            menu_item=varied["orders"]["A"].menu_item,
            status=S.COMPLETED if completed else S.ACCEPTED,
            created_at=at(2026, 10, 5),
            accepted_at=at(2026, 10, 5, 13),
            completed_at=completed,
            hours=1 if completed else None,
            accepted_team=f.TeamFactory(name=name, village=varied["qianjin"]),
            notify=False,
        )
    services.rebuild()
    area = resolve_area(scope_for(request.getfixturevalue(who)))
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 1)
    full = orders_report.orders(area, start, end).as_dict()
    teams = full.pop("by_team")
    assert [t["name"] for t in teams if t["name"] in ("甲队", "乙队")] == ["甲队", "乙队"]
    assert full["by_team_total"] == len(teams) >= 5
    assert [t["name"] for t in teams].count("同名队") == 2
    for limit in range(1, len(teams) + 2):  # every edge, the tie's too
        page = orders_report.orders(area, start, end, team_limit=limit).as_dict()
        assert page.pop("by_team") == teams[:limit], limit
        assert page == full
