"""An order's notices leave the request (issue 19): the change's transaction writes a marker,
and the drain queued on commit (Celery runs eagerly here) writes the notices; a failure is
retried, never lost; what a notice says is the step's, however late it is written."""

import logging

import pytest
from django.db import transaction

from notifications.kinds import Channel, Kind
from notifications.models import Notification
from orders import notices, services, tasks
from orders.models import Order, OrderNoticeDue
from stations.models import Position
from tests.orders.factories import order_in_state, send_notices, submit_order

S = Order.Status
PHONE = "13812341234"


@pytest.fixture
def head(tuanjie_station, station_head):
    Position.objects.filter(pk=tuanjie_station.pk).update(head_phone="13500001111")
    return station_head


def test_the_commit_queues_the_drain_that_writes_the_notices(
    api, head, tuanjie, menu_item, django_capture_on_commit_callbacks
):
    body = {"village": tuanjie.pk, "menu_item": menu_item.pk, "name": "李大娘", "phone": PHONE}
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = api.post("/api/orders/", body, format="json")
    assert response.status_code == 201
    # Nothing is worked out inside the resident's request: only the marker is written.
    change = OrderNoticeDue.objects.get().change
    assert change.order_id == response.json()["id"]
    assert not Notification.objects.exists()
    # The commit: the drain is queued (eager here) and the notices arrive.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert not OrderNoticeDue.objects.exists()
    kinds = set(Notification.objects.values_list("kind", "channel", "recipient_id", "address"))
    assert kinds == {
        (Kind.ORDER_NEW, Channel.INBOX, head.pk, ""),
        (Kind.ORDER_NEW, Channel.SMS, head.pk, "13500001111"),
        (Kind.ORDER_RECEIVED, Channel.SMS, None, PHONE),
    }
    assert (
        Notification.objects.get(address=PHONE).cause
        == f"order:{change.order_id}:change:{change.pk}"
    )


def test_a_rolled_back_change_leaves_no_marker(head, tuanjie, menu_item):
    with pytest.raises(RuntimeError), transaction.atomic():
        submit_order(tuanjie, menu_item)
        assert OrderNoticeDue.objects.count() == 1
        raise RuntimeError("the request failed after the order")
    send_notices()
    assert not OrderNoticeDue.objects.exists() and not Notification.objects.exists()


def test_a_note_that_tells_nobody_writes_no_marker(head, tuanjie, menu_item, volunteer):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    services.order_rate(tracking_token=order.tracking_token, stars=1)
    send_notices()
    services.order_follow_up(order_id=order.pk, actor=head, note="已电话回访")
    assert not OrderNoticeDue.objects.exists()


def test_many_changes_are_drained_at_once_and_a_second_drain_adds_nothing(head, tuanjie, menu_item):
    for i in range(5):
        submit_order(tuanjie, menu_item, phone=f"1381234123{i}")
    assert OrderNoticeDue.objects.count() == 5
    assert tasks.send_notices() == {"changes": 5, "failed": 0}
    written = Notification.objects.count()
    assert written == 15  # per order: the head's inbox and SMS, the resident's SMS
    assert tasks.send_notices() == {"changes": 0, "failed": 0}
    assert Notification.objects.count() == written


def test_a_notice_tells_the_step_as_it_was_however_late(tuanjie, menu_item, volunteer):
    """Claimed and given back before the drain ran (a broker outage, a busy worker): the
    resident is still told who took it, and the volunteers that it is open again."""
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, phone=PHONE)
    send_notices()
    services.order_claim(order_id=order.pk, actor=volunteer.user)
    services.order_release(order_id=order.pk, actor=volunteer.user, reason="临时有事")
    send_notices()
    accepted = Notification.objects.get(kind=Kind.ORDER_ACCEPTED)
    assert accepted.address == PHONE and accepted.payload["who"] == "明"
    assert Notification.objects.filter(kind=Kind.ORDER_OPEN, recipient=volunteer.user).count() == 2


def test_a_failed_notice_is_kept_and_written_by_the_next_run(
    head, tuanjie, menu_item, monkeypatch, caplog
):
    first = submit_order(tuanjie, menu_item, phone=PHONE)
    second = submit_order(tuanjie, menu_item, phone="13912345678")
    real = notices.notify

    def failing_for_the_first(**kwargs):
        if kwargs["cause"].startswith(f"order:{first.pk}:"):
            raise RuntimeError("SMS gateway table locked")
        return real(**kwargs)

    monkeypatch.setattr(notices, "notify", failing_for_the_first)
    with caplog.at_level(logging.ERROR):
        assert tasks.send_notices() == {"changes": 1, "failed": 1}
    assert "could not write the notices of change" in caplog.text
    # The second order's notices went out; the first's marker waits, with nothing half-written.
    assert Notification.objects.filter(payload__number=second.number).count() == 3
    assert not Notification.objects.filter(payload__number=first.number).exists()
    assert OrderNoticeDue.objects.get().change.order_id == first.pk
    monkeypatch.setattr(notices, "notify", real)
    assert tasks.send_notices() == {"changes": 1, "failed": 0}  # beat's minute, or the next
    assert Notification.objects.filter(payload__number=first.number).count() == 3
    assert not OrderNoticeDue.objects.exists()


def test_a_marker_the_database_refuses_holds_back_only_itself(
    head, tuanjie, menu_item, monkeypatch, caplog
):
    """The batch's notifications are one insert: when the database refuses it (one bad row),
    the drain goes on marker by marker, so every other order's notices still go out."""
    from django.db import DataError

    from notifications import services as notification_services

    first = submit_order(tuanjie, menu_item, phone=PHONE)
    second = submit_order(tuanjie, menu_item, phone="13912345678")
    real = notification_services._write

    def refusing_the_first(rows):
        if any(row.cause.startswith(f"order:{first.pk}:") for row in rows):
            raise DataError("value too long for type character varying")
        return real(rows)

    monkeypatch.setattr(notification_services, "_write", refusing_the_first)
    with caplog.at_level(logging.ERROR):
        assert tasks.send_notices() == {"changes": 1, "failed": 1}
    assert "could not write the notices of marker" in caplog.text
    assert Notification.objects.filter(payload__number=second.number).count() == 3
    assert not Notification.objects.filter(payload__number=first.number).exists()
    assert OrderNoticeDue.objects.get().change.order_id == first.pk
    monkeypatch.setattr(notification_services, "_write", real)
    assert tasks.send_notices() == {"changes": 1, "failed": 0}
    assert Notification.objects.filter(payload__number=first.number).count() == 3


def test_beat_drains_the_markers_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["orders-send-notices"]
    assert entry == {"task": "orders.send_notices", "schedule": 60}


def test_a_drain_asks_who_to_tell_once_per_batch(head, tuanjie, menu_item):
    """The fan-out coalesced: however many orders of a village, its heads, their channels and
    the outbox insert are one query each per batch; only each marker's savepoint pair grows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def drain(count: int, first: int) -> int:
        for i in range(count):
            submit_order(tuanjie, menu_item, phone=f"1381234{first + i:04d}")
        with CaptureQueriesContext(connection) as queries:
            assert tasks.send_notices() == {"changes": count, "failed": 0}
        return len(queries)

    five, ten = drain(5, 0), drain(10, 100)
    assert ten - five == 2 * 5  # SAVEPOINT and RELEASE per marker, nothing else
    assert Notification.objects.count() == 15 * 3
