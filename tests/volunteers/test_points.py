"""The points ledger: confirmed hours × rate, capped per day and month; reversal when hours are
revoked; append-only; redemption at the station (409 when short, 404 for another station)."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from core.errors import InvalidInput, InvalidTransition, NotInScope
from tests import factories as f
from volunteers import points, records
from volunteers.models import PointsEntry, Redemption, Reward

pytestmark = pytest.mark.django_db


def confirm(volunteer, actor, *, hours="2.0", day=3, rate=10, source_id=None):
    record, _ = records.record_create(
        volunteer=volunteer,
        hours=hours,
        service_date=dt.date(2026, 11, day),
        content="宣讲",
        source_kind="event",
        source_id=source_id or day * 100 + int(float(hours) * 10),
        village=volunteer.home_village,
        points_rate=rate,
    )
    records.record_confirm(record_id=record.pk, actor=actor)
    return record


def test_confirmed_hours_earn_hours_times_rate(volunteer, station_head):
    record, _ = records.record_create(
        volunteer=volunteer,
        hours="1.5",
        service_date=dt.date(2026, 11, 3),
        content="x",
        village=volunteer.home_village,
        points_rate=10,
    )
    assert points.balance(volunteer.pk) == 0  # pending earns nothing
    records.record_confirm(record_id=record.pk, actor=station_head)
    records.record_confirm(record_id=record.pk, actor=station_head)  # no double credit
    assert points.balance(volunteer.pk) == 15
    assert PointsEntry.objects.get().kind == "earn"


def test_revoking_reverses_and_correcting_re_earns(volunteer, station_head):
    record = confirm(volunteer, station_head, hours="2", rate=12)
    assert points.balance(volunteer.pk) == 24
    records.record_correct(record_id=record.pk, actor=station_head, hours="1", note="记错")
    assert points.balance(volunteer.pk) == 12
    records.record_revoke(record_id=record.pk, actor=station_head, reason="代刷")
    assert points.balance(volunteer.pk) == 0
    kinds = list(PointsEntry.objects.order_by("id").values_list("kind", "points"))
    assert kinds == [("earn", 24), ("reverse", -24), ("earn", 12), ("reverse", -12)]


def test_daily_and_monthly_caps(volunteer, station_head, settings):
    settings.WENMING_POINTS_DAILY_CAP = 50
    settings.WENMING_POINTS_MONTHLY_CAP = 120
    confirm(volunteer, station_head, hours="4", day=3, source_id=1)  # 40
    confirm(volunteer, station_head, hours="3", day=3, source_id=2)  # 30 → 10 (daily cap)
    confirm(volunteer, station_head, hours="5", day=4, source_id=3)  # 50
    confirm(volunteer, station_head, hours="5", day=5, source_id=4)  # 50 → 20 (monthly cap)
    assert points.balance(volunteer.pk) == 120
    confirm(volunteer, station_head, hours="1", day=6, source_id=5)  # nothing left this month
    assert points.balance(volunteer.pk) == 120


def test_ledger_is_append_only(volunteer, station_head):
    confirm(volunteer, station_head)
    entry = PointsEntry.objects.get()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_database_refuses_update_and_delete(volunteer, station_head):
    from django.db import DatabaseError

    confirm(volunteer, station_head)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.update(points=1000)
    with pytest.raises(DatabaseError), transaction.atomic():
        PointsEntry.objects.all().delete()
    assert PointsEntry.objects.get().points == 20


def test_redeem(volunteer, station_head, shop):
    confirm(volunteer, station_head, hours="2")  # 20 points
    redemption = points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)
    shop.refresh_from_db()
    assert shop.stock == 1 and redemption.points == 15
    assert points.balance(volunteer.pk) == 5
    with pytest.raises(InvalidTransition) as exc:  # 5 < 15
        points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)
    assert "积分不足" in str(exc.value.message)
    assert Redemption.objects.count() == 1


def test_redeem_out_of_stock_is_409(volunteer, station_head, shop):
    confirm(volunteer, station_head, hours="24", rate=10)  # 100 (daily cap)
    Reward.objects.filter(pk=shop.pk).update(stock=0)
    with pytest.raises(InvalidTransition) as exc:
        points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)
    assert "库存不足" in str(exc.value.message)
    assert points.balance(volunteer.pk) == 100


def test_another_stations_item_is_404(volunteer, station_head, other_village):
    elsewhere = Reward.objects.create(
        position=f.StationFactory(village=other_village), name="毛巾", points=1, stock=5
    )
    confirm(volunteer, station_head)
    with pytest.raises(NotInScope):
        points.redeem(actor=station_head, reward_id=elsewhere.pk, volunteer_id=volunteer.pk)
    with pytest.raises(NotInScope):
        points.reward_update(
            actor=station_head, reward_id=elsewhere.pk, name="x", points=1, stock=1
        )


def test_catalogue_kept_by_station_head(station_head, tuanjie_station, other_town_admin):
    reward = points.reward_create(
        actor=station_head, position_id=tuanjie_station.pk, name="食用油", points=50, stock=3
    )
    with pytest.raises(InvalidInput):
        points.reward_create(
            actor=station_head, position_id=tuanjie_station.pk, name="食用油", points=5, stock=1
        )
    with pytest.raises(InvalidInput):
        points.reward_create(
            actor=station_head, position_id=tuanjie_station.pk, name="x", points=0, stock=-1
        )
    with pytest.raises(NotInScope):
        points.reward_create(
            actor=other_town_admin, position_id=tuanjie_station.pk, name="y", points=5, stock=1
        )
    points.reward_update(actor=station_head, reward_id=reward.pk, name="食用油", points=40, stock=9)
    reward.refresh_from_db()
    assert (reward.points, reward.stock) == (40, 9)


def test_database_refuses_negative_stock(shop):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reward.objects.filter(pk=shop.pk).update(stock=-1)


THREADS = 12


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_redemptions_never_go_below_zero(volunteer, station_head, tuanjie_station):
    """12 threads redeem a 15-point item at once for a volunteer with 40 points, stock 10:
    exactly two succeed, the balance is 10, the stock 8; the rest get 409."""
    confirm(volunteer, station_head, hours="4")  # 40 points
    reward = Reward.objects.create(position=tuanjie_station, name="肥皂", points=15, stock=10)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt():
        try:
            barrier.wait(timeout=30)
            try:
                points.redeem(actor=station_head, reward_id=reward.pk, volunteer_id=volunteer.pk)
                result = "ok"
            except InvalidTransition:
                result = "409"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(outcomes) == THREADS
    assert outcomes.count("ok") == 2
    assert points.balance(volunteer.pk) == 10
    reward.refresh_from_db()
    assert reward.stock == 8


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_last_item_goes_once(station_head, tuanjie, tuanjie_station):
    """Many volunteers with enough points, one item left: one gets it, stock is 0, never -1."""
    rich = []
    for i in range(THREADS):
        vol = f.VolunteerFactory(home_village=tuanjie)
        confirm(vol, station_head, hours="2", source_id=1000 + i)
        rich.append(vol)
    reward = Reward.objects.create(position=tuanjie_station, name="雨伞", points=5, stock=1)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(vol):
        try:
            barrier.wait(timeout=30)
            try:
                points.redeem(actor=station_head, reward_id=reward.pk, volunteer_id=vol.pk)
                result = "ok"
            except InvalidTransition:
                result = "409"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(v,)) for v in rich]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("ok") == 1
    reward.refresh_from_db()
    assert reward.stock == 0
    assert sum(points.balance(v.pk) for v in rich) == THREADS * 20 - 5


def test_reversal_after_redemption_is_recorded_in_full_and_owed(
    client, volunteer, station_head, shop
):
    """The rule (volunteers.points): hours revoked after their points were spent reverse in
    full; the balance shows the debt and redemptions wait until later service pays it off."""
    record = confirm(volunteer, station_head, hours="2")  # 20
    points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)  # -15
    records.record_revoke(record_id=record.pk, actor=station_head, reason="代刷时长")
    assert points.balance(volunteer.pk) == -15
    assert list(PointsEntry.objects.order_by("id").values_list("kind", "points")) == [
        ("earn", 20),
        ("redeem", -15),
        ("reverse", -20),
    ]
    client.force_login(volunteer.user)
    page = client.get("/volunteer/").content.decode()
    assert "欠 15 分" in page

    confirm(volunteer, station_head, hours="2", day=10)  # +20 → 5: still short of 15
    assert points.balance(volunteer.pk) == 5
    with pytest.raises(InvalidTransition, match="积分不足"):
        points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)
    assert "欠" not in client.get("/volunteer/").content.decode()


def test_in_debt_refuses_even_a_cheap_item(volunteer, station_head, tuanjie_station):
    cheap = Reward.objects.create(position=tuanjie_station, name="纸巾", points=1, stock=5)
    record = confirm(volunteer, station_head, hours="1")  # 10
    points.redeem(actor=station_head, reward_id=cheap.pk, volunteer_id=volunteer.pk)
    records.record_revoke(record_id=record.pk, actor=station_head, reason="记错人")
    assert points.balance(volunteer.pk) == -1
    with pytest.raises(InvalidTransition, match="欠 1 分"):
        points.redeem(actor=station_head, reward_id=cheap.pk, volunteer_id=volunteer.pk)
    cheap.refresh_from_db()
    assert cheap.stock == 4


def test_dashboard_shows_the_balance_and_the_history(client, volunteer, station_head, shop):
    """The volunteer sees their balance and what made it on their dashboard (issue #11)."""
    confirm(volunteer, station_head, hours="2")  # +20 for 宣讲
    points.redeem(actor=station_head, reward_id=shop.pk, volunteer_id=volunteer.pk)  # -15
    client.force_login(volunteer.user)
    response = client.get("/volunteer/")
    assert response.status_code == 200
    assert response.context["points_balance"] == 5
    page = response.content.decode()
    assert "积分余额" in page and "<dd>5</dd>" in page
    history = page[page.index("积分明细") :]
    assert "+20 · 宣讲" in history and "-15 · 洗衣粉" in history
