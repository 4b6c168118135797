"""Orders in the states most tests start from.

- ``open_order``: an order of 团结村, reviewed and open for claiming; ``accepted_order``: one that
  ``volunteer`` (of 团结村) claimed.
- ``make_order(kind)``: an order of 团结村 in a named situation, for the tables of rejections
  (``tests/orders/rejections.py``).
"""

import pytest

from orders import services
from orders.models import Order
from tests import factories as f
from tests.orders.factories import area_admin, order_in_state, submit_order
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


@pytest.fixture
def make_order(tuanjie_station, tuanjie, menu_item, volunteer, request):
    """``make_order(kind)``: an order of 团结村 in the named situation (or a missing number)."""
    S = Order.Status

    def make(kind: str) -> Order | None:
        if kind == "missing":
            return None
        if kind == "submitted":
            return submit_order(tuanjie, menu_item)
        if kind == "open":
            return order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
        if kind == "mine":  # accepted by ``volunteer``
            return order_in_state(
                S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
            )
        if kind == "theirs":  # accepted by another volunteer of the same town
            other = request.getfixturevalue("town_volunteer")
            return order_in_state(S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=other)
        if kind == "team":  # assigned to the village team ``volunteer`` belongs to
            order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
            team = volunteer.teams.get()
            return services.order_assign(order_id=order.pk, actor=area_admin(), team_id=team.pk)
        if kind == "completed":
            return order_in_state(
                S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
            )
        raise AssertionError(kind)

    return make
