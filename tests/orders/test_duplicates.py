"""Issue 14, finding 1: a duplicate submission never hands out the existing order.

Knowing a resident's phone number must not give anyone their tracking link (which reads and
cancels the order), their name or their order number; and two identical submissions at the same
moment create one order, not two (PostgreSQL, real threads).
"""

import datetime as dt
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from orders import services, submission
from orders.models import Order

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NEW = "/orders/new/"


@pytest.fixture
def form_data(tuanjie, menu_item, resident):
    return {"village": tuanjie.pk, "menu_item": menu_item.pk, "people": 3, **resident}


@pytest.fixture
def payload(tuanjie, menu_item, resident):
    return {"village": tuanjie.pk, "menu_item": menu_item.pk, "people": 3, **resident}


@pytest.fixture
def at_0915():
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 15, tzinfo=SHANGHAI), tick=False):
        yield


def _secrets(order: Order) -> list[str]:
    """What the first submitter got or gave that a second submitter must not learn (the phone
    they typed themselves is echoed in the form they are shown again)."""
    return [order.tracking_token, order.number, order.name]


@pytest.mark.usefixtures("at_0915")
def test_page_duplicate_says_when_without_revealing_the_order(client, form_data):
    first = client.post(NEW, form_data)
    assert first.status_code == 302
    order = Order.objects.get()
    stranger = Client()  # someone else who knows the phone number
    with time_machine.travel(dt.datetime(2026, 12, 1, 9, 40, tzinfo=SHANGHAI), tick=False):
        again = stranger.post(NEW, {**form_data, "name": "冒名者"})
    assert again.status_code == 409
    assert "Location" not in again
    body = again.content.decode()
    assert "相同的点单已于 09:15 收到" in body
    for secret in _secrets(order):
        assert secret not in body
    assert Order.objects.count() == 1


@pytest.mark.usefixtures("at_0915")
def test_page_duplicate_in_english(client, form_data):
    client.post(NEW, form_data)
    again = Client().post(NEW, form_data, HTTP_ACCEPT_LANGUAGE="en")
    body = again.content.decode()
    assert again.status_code == 409
    assert "An identical order was received at 09:15" in body
    assert Order.objects.get().tracking_token not in body


@pytest.mark.usefixtures("at_0915")
def test_api_duplicate_is_409_in_the_error_shape_without_token(api, payload):
    first = api.post("/api/orders/", payload, format="json")
    assert first.status_code == 201
    order = Order.objects.get()
    again = api.post("/api/orders/", payload, format="json")
    assert again.status_code == 409
    body = again.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == "duplicate" and body["fields"] == {}
    assert "09:15" in body["detail"]
    for secret in _secrets(order):
        assert secret not in again.content.decode()
    assert Order.objects.count() == 1


def test_service_raises_with_the_time_only(tuanjie, menu_item, resident):
    first = submission.order_submit(village=tuanjie, menu_item=menu_item, **resident).order
    with pytest.raises(submission.DuplicateOrder) as exc:
        submission.order_submit(village=tuanjie, menu_item=menu_item, **resident)
    assert exc.value.received_at == first.created_at
    assert exc.value.status_code == 409
    assert first.tracking_token not in str(exc.value.message)


def test_window_expires_and_cancelled_orders_do_not_count(tuanjie, menu_item, resident):
    first = submission.order_submit(village=tuanjie, menu_item=menu_item, **resident).order
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        later = submission.order_submit(village=tuanjie, menu_item=menu_item, **resident).order
    assert later.pk != first.pk
    # Two live orders of the key: the newest decides, and the message names its time.
    with (
        time_machine.travel(timezone.now() + dt.timedelta(minutes=40)),
        pytest.raises(submission.DuplicateOrder) as exc,
    ):
        submission.order_submit(village=tuanjie, menu_item=menu_item, **resident)
    assert exc.value.received_at == later.created_at
    services.order_cancel(tracking_token=later.tracking_token)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=32)):
        third = submission.order_submit(village=tuanjie, menu_item=menu_item, **resident).order
    assert third.pk not in (first.pk, later.pk)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race",
)
@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_submissions_create_one_order(tuanjie, menu_item):
    """Ten rounds of ten identical submissions released at once: one order per round."""
    rounds, threads_per_round = 10, 10
    for n in range(rounds):
        phone = f"1390000{n:04d}"
        barrier = threading.Barrier(threads_per_round)
        outcomes: list[str] = []
        lock = threading.Lock()

        def submit(phone=phone, barrier=barrier, outcomes=outcomes, lock=lock):
            try:
                barrier.wait(timeout=30)
                try:
                    submission.order_submit(
                        village=tuanjie, menu_item=menu_item, name="李大娘", phone=phone
                    )
                    result = "created"
                except submission.DuplicateOrder:
                    result = "duplicate"
                with lock:
                    outcomes.append(result)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=submit) for _ in range(threads_per_round)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["created"] + ["duplicate"] * (threads_per_round - 1)
        assert Order.objects.filter(phone=phone).count() == 1
