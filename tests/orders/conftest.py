"""Orders in the states most tests start from.

- ``open_order``: an order of 团结村, reviewed and open for claiming; ``accepted_order``: one that
  ``volunteer`` (of 团结村) claimed.
"""

import pytest

from orders.models import Order
from tests.orders.factories import order_in_state


@pytest.fixture
def eager_celery():
    """Run queued tasks in-process even when a broker is configured (CI runs on Redis)."""
    from config.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def open_order(tuanjie_station, tuanjie, menu_item):
    return order_in_state(Order.Status.OPEN, village=tuanjie, menu_item=menu_item)


@pytest.fixture
def accepted_order(tuanjie_station, tuanjie, menu_item, volunteer):
    return order_in_state(
        Order.Status.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
    )
