"""The volunteers report: points earned (net of reversals) and redeemed per town, in the
range, on the page and in its export; nothing outside the caller's area."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from tests.events.conftest import at
from volunteers import points, records
from volunteers.models import Reward

pytestmark = pytest.mark.django_db


def confirmed(volunteer, actor, *, hours, source_id):
    record, _ = records.record_create(
        volunteer=volunteer,
        hours=hours,
        service_date=dt.date(2026, 11, 3),
        content="文明宣讲",
        source_kind="event",
        source_id=source_id,
        village=volunteer.home_village,
    )
    records.record_confirm(record_id=record.pk, actor=actor)
    return record


@pytest.fixture
def november(volunteer, far_volunteer, station_head, city_admin, tuanjie_station):
    with time_machine.travel(at(2026, 11, 10, 10, 0), tick=False):
        confirmed(volunteer, station_head, hours="3.0", source_id=1)  # 洪绪镇 +30
        shop = Reward.objects.create(position=tuanjie_station, name="洗衣粉", points=12, stock=5)
        points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)  # -12
        confirmed(far_volunteer, city_admin, hours="2.0", source_id=2)  # 龙泉街道 +20
        wrong = confirmed(far_volunteer, city_admin, hours="1.0", source_id=3)  # +10
        records.record_revoke(record_id=wrong.pk, actor=city_admin, reason="记错")  # -10
    with time_machine.travel(at(2026, 12, 2, 10, 0), tick=False):
        confirmed(volunteer, station_head, hours="1.0", source_id=4)  # December: outside


def test_points_per_town_in_the_range(client, city_admin, november):
    client.force_login(city_admin)
    params = {"from": "2026-11", "to": "2026-11"}
    data = client.get(reverse("reports:volunteers"), params).context["data"]
    towns = {t.town: t for t in data.towns}
    assert (towns["洪绪镇"].points_earned, towns["洪绪镇"].points_redeemed) == (30, 12)
    assert (towns["龙泉街道"].points_earned, towns["龙泉街道"].points_redeemed) == (20, 0)
    assert (data.totals.points_earned, data.totals.points_redeemed) == (50, 12)
    page = client.get(reverse("reports:volunteers"), params).content.decode()
    assert "获得积分" in page and "兑换积分" in page
    export = client.get(
        reverse("reports:export", args=["volunteers", "towns", "csv"]), params
    ).content.decode("utf-8-sig")
    assert "获得积分" in export and "兑换积分" in export
    assert "洪绪镇" in export and ",30,12" in export


def test_points_stay_in_the_callers_area(client, town_admin, november):
    client.force_login(town_admin)
    params = {"from": "2026-11", "to": "2026-12"}
    data = client.get(reverse("reports:volunteers"), params).context["data"]
    assert [t.town for t in data.towns if t.points_earned] == ["洪绪镇"]
    assert (data.totals.points_earned, data.totals.points_redeemed) == (40, 12)
