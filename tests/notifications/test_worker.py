"""Nothing is lost with Redis down: the order is saved (201), its notifications wait in the
outbox, and a real worker delivers them once the broker is back (the beat sweep's path).

Like tests/events/test_celery_worker.py: a separate worker process on the test database, on a
queue of its own; this process sends to that queue by default, so the deliveries the sweep
queues reach it.
"""

import time

import pytest
from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from config.celery import app
from core import queueing
from notifications.models import Notification
from notifications.tasks import sweep
from orders.models import OrderNoticeDue
from orders.tasks import send_notices
from stations.models import Position
from tests.events.test_celery_worker import worker_queue  # noqa: F401 - the fixture

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (Redis)"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process cannot see SQLite's in-memory test database",
    ),
]

CLOSED_PORT = "redis://127.0.0.1:1/0"


def _use_broker(url: str) -> None:
    """Point the Celery app of this process at ``url``; drop the connections it pooled."""
    app.conf.broker_url = url
    app.conf.broker_write_url = url
    kombu_pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(worker_queue):  # noqa: F811
    previous = (app.conf.task_default_queue, app.conf.task_always_eager)
    app.conf.task_default_queue = worker_queue
    app.conf.task_always_eager = False
    _use_broker(CLOSED_PORT)
    yield worker_queue
    _use_broker(settings.CELERY_BROKER_URL)
    app.conf.task_default_queue, app.conf.task_always_eager = previous


def _wait_until_sent(ids, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = set(Notification.objects.filter(pk__in=ids).values_list("state", flat=True))
        if states == {"sent"}:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.django_db(transaction=True)
def test_order_saved_with_broker_down_and_notified_when_it_returns(
    broker_down, api, tuanjie_station, station_head, tuanjie, menu_item, settings, caplog
):
    settings.WENMING_SMS_QUIET_HOURS = ""
    Position.objects.filter(pk=tuanjie_station.pk).update(head_phone="13500001111")
    response = api.post(
        "/api/orders/",
        {
            "village": tuanjie.pk,
            "menu_item": menu_item.pk,
            "name": "李大娘",
            "phone": "13812341234",
        },
        format="json",
    )
    assert response.status_code == 201
    # Who must be told is worked out after the commit: that drain could not be queued, and its
    # marker waits.
    assert "could not queue orders.send_notices" in caplog.text
    assert OrderNoticeDue.objects.count() == 1 and not Notification.objects.exists()
    # Beat's minute with the broker still down: the notices are written into the outbox.
    assert send_notices.apply().get() == {"changes": 1, "failed": 0}
    assert "could not queue notifications.deliver_cause" in caplog.text
    waiting = Notification.objects.exclude(channel="inbox")
    assert {n.state for n in waiting} == {"pending"}
    assert {n.address for n in waiting} == {"13812341234", "13500001111"}

    _use_broker(settings.CELERY_BROKER_URL)  # the broker is back
    queueing._broker_down_until = 0.0  # this process's breaker, ten seconds at most
    # Beat's sweep (run here: the deliveries it queues go to this test's worker).
    assert sweep.apply().get() == 2
    assert _wait_until_sent([n.pk for n in waiting])
    assert all(n.attempts == 1 for n in Notification.objects.exclude(channel="inbox"))
