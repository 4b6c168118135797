"""The hand-built October 2026 of 洪绪镇 and 龙泉街道 that the report tests check figure by figure.

Month under test: 2026-10 (Asia/Shanghai); "today" is frozen in November so it is the default.

洪绪镇 has three villages:
- 团结村 (station, plan submitted, 5 active volunteers + 1 inactive): order A (文明宣讲)
  completed 10-31 23:30 and rated 5 at 23:40; order B (法治) completed 11-01 00:10, which is
  still October in UTC but November in Shanghai.
- 前进村 (station without opening hours, plan only drafted, 4 volunteers): order C accepted and
  then cancelled, order D rejected, both in October; a done 文明宣讲 event from 09-30 22:00 to
  10-01 02:00 (spans midnight and the month end; ends in October) with 30 people and a volunteer
  with 3 confirmed hours and one with 1 unconfirmed hour.
- 红旗村 (no station): served last in July (order E), a cancelled event in October.

龙泉街道 has 龙泉社区 (station): order F completed 10-10 08:30, 1.5 h.
"""

import datetime as dt

import pytest
import time_machine

from orders.models import Order
from tests import factories as f
from tests.reports.factories import add_helper, at, make_event, make_order, submit_plan

OCT = dt.date(2026, 10, 1)


@pytest.fixture
def frozen():
    with time_machine.travel(at(2026, 11, 15, 9), tick=False):
        yield


@pytest.fixture
def law_category(db):
    return f.ServiceCategoryFactory(name="法治", code="law")


@pytest.fixture
def october(
    frozen, tuanjie, tuanjie_station, neighbour_village, other_village, menu_item, law_category
):
    hongxu = tuanjie.town
    qianjin_station = f.StationFactory(village=neighbour_village, opening_hours="")
    hongqi = f.VillageFactory(town=hongxu, name="红旗村")
    longquan_station = f.StationFactory(village=other_village, head_name="赵站长")
    law_item = f.MenuItemFactory(
        title="法律咨询", platform=menu_item.platform, category=law_category
    )
    team = f.TeamFactory(name="团结村志愿服务队", village=tuanjie)

    for _ in range(5):
        f.VolunteerFactory(home_village=tuanjie)
    f.VolunteerFactory(home_village=tuanjie, is_active=False)
    qianjin_volunteers = [f.VolunteerFactory(home_village=neighbour_village) for _ in range(4)]

    submit_plan(tuanjie_station, OCT)
    submit_plan(qianjin_station, OCT, submitted=False)
    submit_plan(longquan_station, dt.date(2026, 9, 1))

    S = Order.Status
    orders = {
        "A": make_order(
            village=tuanjie,
            menu_item=menu_item,
            status=S.RATED,
            created_at=at(2026, 10, 20, 10),
            accepted_at=at(2026, 10, 21, 10),
            completed_at=at(2026, 10, 31, 23, 30),
            rated_at=at(2026, 10, 31, 23, 40),
            stars=5,
            hours=2,
            accepted_team=team,
        ),
        "B": make_order(
            village=tuanjie,
            menu_item=law_item,
            status=S.COMPLETED,
            created_at=at(2026, 10, 25, 10),
            accepted_at=at(2026, 10, 26, 12),
            completed_at=at(2026, 11, 1, 0, 10),
            hours=1,
            accepted_team=team,
        ),
        "C": make_order(
            village=neighbour_village,
            menu_item=menu_item,
            status=S.CANCELLED,
            created_at=at(2026, 10, 5, 9),
            accepted_at=at(2026, 10, 5, 11),
            closed_at=at(2026, 10, 7),
            accepted_team=team,
        ),
        "D": make_order(
            village=neighbour_village,
            menu_item=menu_item,
            status=S.REJECTED,
            created_at=at(2026, 10, 6, 9),
            closed_at=at(2026, 10, 6, 10),
        ),
        "E": make_order(
            village=hongqi,
            menu_item=menu_item,
            status=S.COMPLETED,
            created_at=at(2026, 7, 1),
            accepted_at=at(2026, 7, 2),
            completed_at=at(2026, 7, 15),
            hours=1,
            accepted_team=team,
        ),
        "F": make_order(
            village=other_village,
            menu_item=law_item,
            status=S.COMPLETED,
            created_at=at(2026, 10, 3, 8),
            accepted_at=at(2026, 10, 3, 20),
            completed_at=at(2026, 10, 10, 8, 30),
            hours=1.5,
            accepted_team=team,
        ),
    }
    midnight = make_event(
        village=neighbour_village,
        category=menu_item.category,
        start=at(2026, 9, 30, 22),
        end=at(2026, 10, 1, 2),
        attendance=30,
    )
    add_helper(midnight, qianjin_volunteers[0], 3)
    add_helper(midnight, qianjin_volunteers[1], 1, confirmed=False)
    make_event(
        village=hongqi,
        category=menu_item.category,
        start=at(2026, 10, 12, 9),
        end=at(2026, 10, 12, 11),
        state="cancelled",
        attendance=12,
    )
    return {
        "hongxu": hongxu,
        "longquan": other_village.town,
        "tuanjie": tuanjie,
        "qianjin": neighbour_village,
        "hongqi": hongqi,
        "longquan_village": other_village,
        "stations": {
            "tuanjie": tuanjie_station,
            "qianjin": qianjin_station,
            "longquan": longquan_station,
        },
        "orders": orders,
        "lecture": menu_item.category,
        "law": law_category,
        "team": team,
    }


@pytest.fixture(autouse=True)
def _eager_celery(eager_celery):
    """The rollup refresh is a task queued after commit: run it in-process, as without a
    broker, even when CI configures one (the reports must be exact after each change)."""
