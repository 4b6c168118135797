"""The organisers' pages: pending hours older than 30 days (confirm or reject), and a station
head's points supermarket (items, stock, redeem with a confirmation step, history)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from tests import factories as f
from volunteers import points, records
from volunteers.models import PointsEntry, Redemption, Reward, ServiceRecord

pytestmark = pytest.mark.django_db


def record(volunteer, *, source_id, village=None, hours="2.0"):
    rec, _ = records.record_create(
        volunteer=volunteer,
        hours=hours,
        service_date=dt.date(2026, 10, 3),
        content="文明宣讲",
        source_kind="event",
        source_id=source_id,
        village=village or volunteer.home_village,
    )
    return rec


def old_record(volunteer, **kwargs):
    with time_machine.travel(timezone.now() - dt.timedelta(days=31)):
        return record(volunteer, **kwargs)


# --- overdue pending hours -------------------------------------------------------------------


def test_overdue_page_lists_old_pending_hours_in_scope(
    client, volunteer, far_volunteer, station_head, other_town_admin
):
    old = old_record(volunteer, source_id=1)
    record(volunteer, source_id=2)  # recent: not listed
    done = old_record(volunteer, source_id=3)
    records.record_confirm(record_id=done.pk, actor=station_head)
    elsewhere = old_record(far_volunteer, source_id=4)
    client.force_login(station_head)
    page = client.get("/hours/overdue/").content.decode()
    assert f'id="record-{old.pk}"' in page
    assert page.count('id="record-') == 1
    client.force_login(other_town_admin)
    page = client.get("/hours/overdue/").content.decode()
    assert f'id="record-{elsewhere.pk}"' in page and page.count('id="record-') == 1


def test_overdue_page_refuses_non_admins(client, volunteer):
    assert client.get("/hours/overdue/").status_code == 302  # to the login page
    client.force_login(volunteer.user)
    assert client.get("/hours/overdue/").status_code == 404


def test_confirm_and_reject_from_the_overdue_page(
    client, volunteer, town_volunteer, station_head, town_admin, other_town_admin
):
    first = old_record(volunteer, source_id=1)
    second = old_record(volunteer, source_id=2)
    url = f"/hours/records/{first.pk}/confirm/"
    client.force_login(other_town_admin)
    assert client.post(url).status_code == 404
    client.force_login(station_head)
    assert client.get(url).status_code == 405
    done = client.post(url, {"page": "1"}, follow=True)
    assert "已确认服务时长" in done.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")
    assert points.balance(volunteer.pk) == 20
    again = client.post(url, follow=True)  # twice: a no-op, said so
    assert "此前已确认" in again.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.0")

    reject = f"/hours/records/{second.pk}/revoke/"
    blank = client.post(reject, {"reason": ""}, follow=True)
    assert "驳回原因" in blank.content.decode()
    assert ServiceRecord.objects.get(pk=second.pk).status == "pending"
    client.post(reject, {"reason": "当天未到场"})
    second.refresh_from_db()
    assert second.status == "revoked"
    assert second.changes.get(action="revoke").note == "当天未到场"
    # The town admin sees the village's overdue list too, now empty.
    client.force_login(town_admin)
    assert 'id="record-' not in client.get("/hours/overdue/").content.decode()


def test_volunteer_cannot_confirm_own_hours_on_the_page(client, tuanjie, station_head):
    own = f.VolunteerFactory(home_village=tuanjie, user=station_head)  # the head volunteers too
    rec = old_record(own, source_id=1)
    client.force_login(station_head)
    response = client.post(f"/hours/records/{rec.pk}/confirm/", follow=True)
    assert "不能确认自己的服务时长" in response.content.decode()
    assert ServiceRecord.objects.get(pk=rec.pk).status == "pending"


def test_overdue_page_query_count(client, tuanjie, station_head, django_assert_max_num_queries):
    for i in range(15):
        old_record(f.VolunteerFactory(home_village=tuanjie), source_id=i + 1)
    client.force_login(station_head)
    client.get("/hours/overdue/")
    with django_assert_max_num_queries(12):
        page = client.get("/hours/overdue/").content.decode()
    assert page.count('id="record-') == 15


# --- the points supermarket ------------------------------------------------------------------


@pytest.fixture
def earned(volunteer, station_head):
    rec = record(volunteer, source_id=99, hours="3.0")
    records.record_confirm(record_id=rec.pk, actor=station_head)  # 30 points
    return volunteer


def test_rewards_page_is_for_station_keepers(client, volunteer, station_head):
    client.force_login(volunteer.user)
    assert client.get("/station/rewards/").status_code == 404
    client.force_login(station_head)
    page = client.get("/station/rewards/")
    assert page.status_code == 200 and "积分超市" in page.content.decode()


def test_head_adds_and_changes_items(client, station_head, tuanjie_station):
    client.force_login(station_head)
    client.post("/station/rewards/", {"name": "食用油", "points": "50", "stock": "3"})
    reward = Reward.objects.get(position=tuanjie_station)
    assert (reward.name, reward.points, reward.stock) == ("食用油", 50, 3)
    duplicate = client.post("/station/rewards/", {"name": "食用油", "points": "5", "stock": "1"})
    assert duplicate.status_code == 400 and "同名物品" in duplicate.content.decode()
    bad = client.post("/station/rewards/", {"name": "x", "points": "0", "stock": "-1"})
    assert bad.status_code == 400 and Reward.objects.count() == 1
    client.post(f"/station/rewards/{reward.pk}/", {"name": "食用油", "points": "40", "stock": "9"})
    reward.refresh_from_db()
    assert (reward.points, reward.stock, reward.is_active) == (40, 9, False)  # unticked: off


def test_redeem_needs_the_heads_confirmation(client, earned, station_head, tuanjie_station):
    reward = Reward.objects.create(position=tuanjie_station, name="洗衣粉", points=20, stock=1)
    client.force_login(station_head)
    page = client.get("/station/rewards/").content.decode()
    assert "余额 30 分" in page
    check = client.post(
        "/station/rewards/redeem/", {"reward": reward.pk, "volunteer": earned.pk}
    ).content.decode()
    assert "核对兑换" in check and "兑换后余额" in check
    assert not Redemption.objects.exists()  # nothing happens before the confirmation
    done = client.post(
        "/station/rewards/redeem/",
        {"reward": reward.pk, "volunteer": earned.pk, "confirm": "1"},
        follow=True,
    ).content.decode()
    assert "已兑换 洗衣粉" in done
    assert points.balance(earned.pk) == 10
    reward.refresh_from_db()
    assert reward.stock == 0
    redemption = Redemption.objects.get()
    assert redemption.created_by == station_head
    assert PointsEntry.objects.get(redemption=redemption).points == -20
    # Stock gone: the confirmation page says so and a forced POST is refused.
    again = client.post(
        "/station/rewards/redeem/",
        {"reward": reward.pk, "volunteer": earned.pk, "confirm": "1"},
        follow=True,
    ).content.decode()
    assert "积分不足" in again or "库存不足" in again
    assert Redemption.objects.count() == 1
    history = client.get("/station/rewards/").content.decode()
    assert "兑换记录" in history and earned.name in history


def test_redeem_short_balance_and_other_station(
    client, earned, station_head, tuanjie_station, other_village
):
    dear = Reward.objects.create(position=tuanjie_station, name="电饭煲", points=500, stock=1)
    client.force_login(station_head)
    check = client.post(
        "/station/rewards/redeem/", {"reward": dear.pk, "volunteer": earned.pk}
    ).content.decode()
    assert "积分不足" in check and "确认兑换" not in check
    forced = client.post(
        "/station/rewards/redeem/",
        {"reward": dear.pk, "volunteer": earned.pk, "confirm": "1"},
        follow=True,
    ).content.decode()
    assert "积分不足" in forced and not Redemption.objects.exists()
    foreign = Reward.objects.create(
        position=f.StationFactory(village=other_village), name="毛巾", points=1, stock=5
    )
    response = client.post(
        "/station/rewards/redeem/", {"reward": foreign.pk, "volunteer": earned.pk, "confirm": "1"}
    )
    assert response.status_code == 404
    assert client.post(f"/station/rewards/{foreign.pk}/", {"name": "x"}).status_code == 404
    assert client.get(f"/station/rewards/?position={foreign.position_id}").status_code == 404


def test_rewards_page_query_count(
    client, station_head, tuanjie, tuanjie_station, django_assert_max_num_queries
):
    reward = Reward.objects.create(position=tuanjie_station, name="肥皂", points=5, stock=100)
    for i in range(12):
        person = f.VolunteerFactory(home_village=tuanjie)
        rec = record(person, source_id=i + 1)
        records.record_confirm(record_id=rec.pk, actor=station_head)
        points.redeem(actor=station_head, reward_id=reward.pk, volunteer_id=person.pk)
    client.force_login(station_head)
    client.get("/station/rewards/")
    with django_assert_max_num_queries(14):
        page = client.get("/station/rewards/").content.decode()
    assert page.count("<tr>") == 13  # the header and 12 redemptions
