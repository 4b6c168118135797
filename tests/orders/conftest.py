"""Orders in the states most tests start from.

- ``open_order``: an order of 团结村, reviewed and open for claiming; ``accepted_order``: one that
  ``volunteer`` (of 团结村) claimed.
"""

import pytest

from orders.models import Order
from tests import factories as f
from tests.orders.factories import order_in_state
from volunteers.models import Team


@pytest.fixture
def town_detachment(hongxu):
    """洪绪镇's town detachment, which an order climbs to when no village volunteer takes it."""
    return f.TeamFactory(
        name="洪绪镇志愿服务支队",
        kind=Team.Kind.TOWN_DETACHMENT,
        village=None,
        town=hongxu,
        city=hongxu.city,
    )


@pytest.fixture
def open_order(tuanjie_station, tuanjie, menu_item):
    return order_in_state(Order.Status.OPEN, village=tuanjie, menu_item=menu_item)


@pytest.fixture
def accepted_order(tuanjie_station, tuanjie, menu_item, volunteer):
    return order_in_state(
        Order.Status.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
    )
