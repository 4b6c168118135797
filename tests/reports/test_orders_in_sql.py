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
    monkeypatch.setattr(orders_report, "_tally_in_database", lambda *args: None)
    in_python = orders_report.orders(area, start, end)
    assert in_sql.as_dict() == in_python.as_dict()
    assert in_sql.fresh_until == in_python.fresh_until
    assert in_sql.totals.received > 0
