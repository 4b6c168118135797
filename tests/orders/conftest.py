"""Orders in the states most tests start from, and the volunteers around 团结村's orders.

- ``open_order``: an order of 团结村, reviewed and open for claiming; ``accepted_order``: one that
  ``volunteer`` (of 团结村) claimed.
- ``town_volunteer``: a volunteer of 前进村, the same town (洪绪镇); ``far_volunteer``: one of
  龙泉社区 in another town; ``inactive_volunteer``: one of 团结村 taken off the register.
"""

import pytest

from orders.models import Order
from tests import factories as f
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


@pytest.fixture
def town_volunteer(neighbour_village):
    user = f.UserFactory(username="v-qianjin")
    return f.VolunteerFactory(name="王芳", home_village=neighbour_village, user=user)


@pytest.fixture
def far_volunteer(other_village):
    user = f.UserFactory(username="v-far")
    return f.VolunteerFactory(name="赵强", home_village=other_village, user=user)


@pytest.fixture
def inactive_volunteer(tuanjie):
    user = f.UserFactory(username="v-inactive")
    return f.VolunteerFactory(name="钱伟", home_village=tuanjie, user=user, is_active=False)
