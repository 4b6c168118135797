"""Claims are race-safe: of many simultaneous claims, exactly one succeeds (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections

from core.errors import NotInScope
from orders import services
from orders.models import Order, OrderStatusChange
from tests import factories as f
from tests.orders.factories import order_in_state

THREADS = 50

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race",
    ),
]


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_claims_give_exactly_one_owner(tuanjie_station, tuanjie, menu_item):
    order = order_in_state(Order.Status.OPEN, village=tuanjie, menu_item=menu_item)
    volunteers = [
        f.VolunteerFactory(home_village=tuanjie, user=f.UserFactory(username=f"racer{i}"))
        for i in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def claim(volunteer):
        try:
            barrier.wait(timeout=30)
            try:
                services.order_claim(order_id=order.pk, actor=volunteer.user)
                result = f"won:{volunteer.pk}"
            except NotInScope:  # the order is someone else's now, as for a later claim
                result = "lost"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(v,)) for v in volunteers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == THREADS
    assert len(winners) == 1
    order.refresh_from_db()
    assert order.status == Order.Status.ACCEPTED
    assert winners[0] == f"won:{order.accepted_by_id}"
    assert OrderStatusChange.objects.filter(order=order, to_status="accepted").count() == 1
