import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from events import checkin, checkin_token
from orders.models import Order
from tests.events.factories import EventFactory
from tests.orders.factories import order_in_state, send_notices

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2027, 12, 20, 10, 0, tzinfo=SHANGHAI)
LONG_AGO = NOW - dt.timedelta(days=400)
RECENT = NOW - dt.timedelta(days=300)
PHONE = "13812341234"


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def make_order(tuanjie_station, tuanjie, menu_item, volunteer):
    def make(status, *, when, village=None, phone=PHONE, **kwargs):
        with time_machine.travel(when, tick=False):
            order = order_in_state(
                status,
                village=village or tuanjie,
                menu_item=menu_item,
                volunteer=volunteer,
                phone=phone,
                **kwargs,
            )
            send_notices()  # at once after the commit, as the worker does: the same moment
            return order

    return make


@pytest.fixture
def make_checkin(tuanjie, lecture_category):
    def make(*, when, village=None, phone=PHONE, name="李大娘"):
        village = village or tuanjie
        event = EventFactory(
            village=village,
            town=village.town,
            category=lecture_category,
            start=when,
            end=when + dt.timedelta(hours=2),
            state="published",
        )
        with time_machine.travel(when, tick=False):
            token = checkin_token.make(event.pk)  # the kiosk's rotating code
            return checkin.checkin_resident(
                event=event, name=name, phone=phone, token=token
            ).checkin

    return make


S = Order.Status
