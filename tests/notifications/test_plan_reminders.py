"""Plans: station heads without next month's plan are reminded 3 days before the due day, and a
town admin can remind them from the plans page, at most once a day per station."""

import pytest
import time_machine

from events import plans
from events.models import MonthlyPlan
from notifications.kinds import Kind
from notifications.models import Notification
from stations.models import Role
from tests import factories as f
from tests.events.conftest import (  # noqa: F401 - fixtures
    create_event,
    longquan_station,
    make_event,
)
from tests.notifications.conftest import at


@pytest.fixture
def far_head(longquan_station):  # noqa: F811
    user = f.UserFactory(username="head-longquan")
    Role.objects.create(
        user=user,
        kind=Role.Kind.STATION_HEAD,
        city=longquan_station.city,
        position=longquan_station,
    )
    return user


@pytest.fixture
def submitted(station_head, tuanjie_station, make_event):  # noqa: F811
    """团结村 has submitted its December plan."""
    with time_machine.travel(at(2026, 11, 10, 9, 0), tick=False):
        make_event()
        plans.plan_submit(user=station_head, position=tuanjie_station, month=at(2026, 12, 1).date())
    return MonthlyPlan.objects.get()


def reminded(user):
    return Notification.objects.filter(recipient=user, kind=Kind.PLAN_REMINDER, channel="inbox")


def test_beat_reminds_three_days_before_the_due_day(
    settings, submitted, station_head, neighbour_head, far_head
):
    settings.WENMING_PLAN_DUE_DAY = 20
    with time_machine.travel(at(2026, 11, 16, 9, 0), tick=False):
        assert plans.plan_remind_if_due() == 0
    with time_machine.travel(at(2026, 11, 17, 9, 0), tick=False):
        assert plans.plan_remind_if_due() == 2
        assert plans.plan_remind_if_due() == 0  # a second beat the same day: nothing more
    assert not reminded(station_head).exists()  # submitted
    message = reminded(neighbour_head).get()
    assert message.payload == {
        "station": message.payload["station"],
        "month": "2026-12",
        "due": "2026-11-20",
        "url": "/plans/2026-12/",
    }
    assert "2026-11-20" in message.body
    assert reminded(far_head).count() == 1


def test_town_admin_button_reminds_their_stations_once_a_day(
    client, town_admin, submitted, neighbour_head, far_head
):
    client.force_login(town_admin)
    with time_machine.travel(at(2026, 11, 18, 9, 0), tick=False):
        page = client.get("/plans/2026-12/").content.decode()
        assert "/plans/2026-12/remind/" in page
        response = client.post("/plans/2026-12/remind/", follow=True)
        assert "已提醒 1 个" in response.content.decode()
        response = client.post("/plans/2026-12/remind/", follow=True)
        assert "今天已经提醒过" in response.content.decode()
    assert reminded(neighbour_head).count() == 1
    assert not reminded(far_head).exists()  # another town
    with time_machine.travel(at(2026, 11, 19, 9, 0), tick=False):
        client.post("/plans/2026-12/remind/")
    assert reminded(neighbour_head).count() == 2


def test_remind_rejections(client, station_head, town_admin, neighbour_head):
    client.force_login(station_head)
    assert client.post("/plans/2026-12/remind/").status_code == 404  # not a town admin
    client.force_login(town_admin)
    assert client.get("/plans/2026-12/remind/").status_code == 405
    assert client.post("/plans/2026-13/remind/").status_code == 404
    with time_machine.travel(at(2026, 12, 5, 9, 0), tick=False):
        client.post("/plans/2026-11/remind/")  # a past month
    assert not Notification.objects.exists()
