"""The volunteers report's detachments and top teams on PostgreSQL come from one SQL statement
(each team's figures summed there, its detachment found by a recursive walk up its parents);
they must be exactly what reading every team in Python gives."""

import datetime as dt
import importlib

import pytest
from django.db import connection

from reports import services
from reports.selectors.area import resolve_area
from stations.scope import scope_for
from tests import factories as f
from tests.reports.factories import add_helper, at, make_event
from tests.reports.test_orders_in_sql import varied  # noqa: F401 - a fixture
from volunteers.models import Team

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's"),
]
# The module, not the function of the same name that reports.selectors exports.
volunteers_report = importlib.import_module("reports.selectors.volunteers")
K = Team.Kind


@pytest.fixture
def teams(varied):  # noqa: F811 - the fixture imported above
    """On top of the orders: the two teams that took them under a squad of a town detachment
    and under a characteristic detachment; events organised by a team in a cycle of parents
    (no detachment), by a team of no detachment, by a detachment itself and by nobody."""
    town = varied["qianjin"].town
    village = varied["qianjin"]
    city = town.city
    detachment = f.TeamFactory(
        name="党员支队", kind=K.DETACHMENT, village=None, town=None, city=city
    )
    town_detachment = f.TeamFactory(
        name="洪绪镇支队", kind=K.TOWN_DETACHMENT, village=None, town=town, city=city
    )
    squad = f.TeamFactory(name="一小队", kind=K.SQUAD, village=None, town=town, city=city)
    Team.objects.filter(pk=squad.pk).update(parent=town_detachment)
    first, second = Team.objects.filter(name__in=["第1队", "第2队"]).order_by("name")
    Team.objects.filter(pk=first.pk).update(parent=squad)
    Team.objects.filter(pk=second.pk).update(parent=detachment)
    loop_a = f.TeamFactory(name="甲队", village=village)
    loop_b = f.TeamFactory(name="乙队", village=village, parent=loop_a)
    Team.objects.filter(pk=loop_a.pk).update(parent=loop_b)
    alone = f.TeamFactory(name="丙队", village=village)
    helpers = [f.VolunteerFactory(home_village=village) for _ in range(3)]
    for day, team in enumerate([loop_a, loop_b, alone, detachment, None, alone, first], start=1):
        event = make_event(
            village=village,
            category=varied["lecture"],
            start=at(2026, 10, day, 9),
            end=at(2026, 10, day, 11),
            team=team,
            notify=False,
        )
        add_helper(event, helpers[day % 3], day % 4 + 0.5, notify=False)
        add_helper(event, helpers[(day + 1) % 3], 2, confirmed=day % 2 == 0, notify=False)
    services.rebuild()
    return varied


@pytest.mark.parametrize("who", ["city_admin", "town_admin", "station_head"])
@pytest.mark.parametrize("months", [("2026-10", "2026-10"), ("2026-01", "2026-12")])
@pytest.mark.parametrize("top", [1, 3, 10])
def test_database_teams_are_the_python_teams(request, teams, monkeypatch, who, months, top):
    area = resolve_area(scope_for(request.getfixturevalue(who)))
    start, end = (dt.date.fromisoformat(f"{m}-01") for m in months)
    in_sql = volunteers_report.volunteers(area, start, end, top=top)
    monkeypatch.setattr(volunteers_report, "_teams_in_database", lambda *args: None)
    in_python = volunteers_report.volunteers(area, start, end, top=top)
    assert in_sql.as_dict() == in_python.as_dict()
    assert len(in_sql.top_teams) == min(top, len(in_sql.top_teams)) and in_sql.top_teams


def test_the_data_has_each_case(teams, city_admin):
    """Several detachments, teams of none (a cycle, no parent) and orders of no team."""
    area = resolve_area(scope_for(city_admin))
    report = volunteers_report.volunteers(area, dt.date(2026, 1, 1), dt.date(2026, 12, 1))
    names = {d.team for d in report.detachments}
    assert {"党员支队", "洪绪镇支队", ""} <= names
    assert len(report.top_teams) >= 5
