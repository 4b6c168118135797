"""Escalation is race-safe on PostgreSQL: concurrent runs climb an order once, and a claim
racing the climb leaves one owner and no climb after the acceptance."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from orders import escalation, services
from orders.models import Order, OrderStatusChange
from tests.orders.factories import order_in_state

S = Order.Status

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so it cannot show a race",
    ),
    pytest.mark.django_db(transaction=True),
]


def _together(*calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [], []
    lock = threading.Lock()

    def run(call):
        try:
            barrier.wait(timeout=30)
            result = call()
            with lock:
                results.append(result)
        except Exception as exc:  # noqa: BLE001 - collected and asserted by the test
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results, errors


def _later(order, hours):
    return order.created_at + dt.timedelta(hours=hours)


def test_four_simultaneous_runs_climb_each_order_once(
    tuanjie_station, tuanjie, menu_item, town_detachment
):
    orders = [order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item) for _ in range(6)]
    now = _later(orders[-1], 25)
    results, errors = _together(*[lambda: escalation.orders_escalate_due(now=now)] * 4)
    assert errors == []
    assert sum(r["town"] for r in results) == 6
    for order in orders:
        assert OrderStatusChange.objects.filter(order=order, note_kind="escalated").count() == 1
        order.refresh_from_db()
        assert order.tier == Order.Tier.TOWN


@pytest.mark.parametrize("attempt", range(5))
def test_a_claim_racing_the_climb_keeps_one_owner(
    attempt, tuanjie_station, tuanjie, menu_item, town_detachment, volunteer
):
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    now = _later(order, 25)
    results, errors = _together(
        lambda: services.order_claim(order_id=order.pk, actor=volunteer.user),
        lambda: escalation.order_escalate(order_id=order.pk, tier=Order.Tier.TOWN, now=now),
    )
    assert errors == []
    order.refresh_from_db()
    assert order.status == S.ACCEPTED and order.accepted_by == volunteer
    rows = list(OrderStatusChange.objects.filter(order=order).order_by("id"))
    kinds = [(r.to_status, r.note_kind) for r in rows]
    accepted_at = kinds.index((S.ACCEPTED, ""))
    # The climb happened before the acceptance, or not at all; never after it.
    assert (S.OPEN, "escalated") not in kinds[accepted_at:]
    assert order.tier == (Order.Tier.TOWN if (S.OPEN, "escalated") in kinds else Order.Tier.VILLAGE)
