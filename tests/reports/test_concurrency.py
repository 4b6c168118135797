"""Fifty residents order at once: every one gets 201, and the rollups are exact afterwards.

Before issue 19 the rollup refresh ran inside each request under a row lock on the town, so
submissions of one town queued behind each other and, at 16 at once, PostgreSQL found
deadlocks (a 500 for an order that was saved, and its refresh lost). Now a submission only
writes a marker in its own transaction and the refresh is queued after the commit.
PostgreSQL only: SQLite serialises writers, so it cannot show a race.
"""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from kombu.exceptions import OperationalError

from orders.models import Order
from reports import services, tasks
from reports.models import OrderFact, RollupPending, VillageMonthCategory
from tests import factories as f
from tests.reports.test_rollups import normalise, reference, rollup

ORDERS = 50

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race",
    ),
]


@pytest.fixture
def places(transactional_db, city, menu_item):
    """Five villages in two towns, each with a station that opens orders at once."""
    towns = [f.TownFactory(city=city, name=name) for name in ("洪绪镇", "龙泉街道")]
    villages = [f.VillageFactory(town=towns[i % 2], name=f"第{i}村") for i in range(5)]
    for village in villages:
        f.StationFactory(village=village, review_orders=False)
    return villages


def post_all(villages, menu_item) -> list[int]:
    """POST /api/orders/ fifty times at once (distinct phones), as fifty residents would:
    each thread has its own client and its own database connection, through the whole stack
    (middleware, throttles, serializer, service, on-commit hooks)."""
    barrier = threading.Barrier(ORDERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        body = {
            "village": villages[i % len(villages)].pk,
            "menu_item": menu_item.pk,
            "name": "李大娘",
            "phone": f"138{i:08d}",
            "people": 1,
        }
        try:
            barrier.wait(timeout=30)
            response = Client().post("/api/orders/", body, content_type="application/json")
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(ORDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


@pytest.fixture
def no_limits(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "order_submit_ip": "1000/hour",
        },
    }


def test_fifty_orders_at_once_all_201_and_exact_rollups(places, menu_item, no_limits):
    """Celery runs eagerly here (no broker in tests), so each request's refresh runs right
    after its commit, fifty at once: they queue per village and town without deadlocks."""
    statuses = post_all(places, menu_item)
    assert statuses == [201] * ORDERS
    assert Order.objects.count() == ORDERS
    assert not RollupPending.objects.exists()
    assert OrderFact.objects.count() == ORDERS
    received = sum(VillageMonthCategory.objects.values_list("orders_received", flat=True))
    assert received == ORDERS
    assert normalise(rollup()) == normalise(reference())


def test_fifty_orders_with_the_broker_down_lose_no_refresh(
    places, menu_item, no_limits, monkeypatch
):
    """The broker refuses every task: residents still get 201, each order leaves its marker,
    and the sweep (beat, once the broker is back) makes the rollups exact."""

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.refresh_pending, "delay", broker_down)
    statuses = post_all(places, menu_item)
    assert statuses == [201] * ORDERS
    # One marker per transition (submitted, then opened: the stations do not review).
    assert RollupPending.objects.values("order_id").distinct().count() == ORDERS
    assert not VillageMonthCategory.objects.exists()

    assert services.refresh_pending() == {"villages": len(places), "failed": 0}
    assert not RollupPending.objects.exists()
    assert normalise(rollup()) == normalise(reference())
