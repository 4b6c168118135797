"""Issue 14, finding 8: the volunteer who served an order sees the resident's full phone until
WENMING_VOLUNTEER_PHONE_DAYS (7) after completing it, masked after; area admins keep it."""

import datetime as dt

import pytest
import time_machine

from tests.privacy.conftest import NOW, S


@pytest.fixture
def done_order(make_order, now):
    return make_order(S.COMPLETED, when=NOW - dt.timedelta(days=6, hours=23))


def _phone(client, order):
    response = client.get(f"/api/orders/{order.pk}/")
    assert response.status_code == 200
    return response.json()["phone"]


def test_full_phone_for_seven_days_after_completion(as_user, volunteer, station_head, done_order):
    assert _phone(as_user(volunteer.user), done_order) == done_order.phone
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert _phone(as_user(volunteer.user), done_order) == "138****1234"
        assert _phone(as_user(station_head), done_order) == done_order.phone


def test_rated_orders_count_from_completion_too(as_user, volunteer, make_order, now):
    from orders import services

    order = make_order(S.COMPLETED, when=NOW - dt.timedelta(days=8))
    services.order_rate(tracking_token=order.tracking_token, stars=4)
    assert _phone(as_user(volunteer.user), order) == "138****1234"


def test_setting(as_user, volunteer, settings, done_order):
    settings.WENMING_VOLUNTEER_PHONE_DAYS = 3
    assert _phone(as_user(volunteer.user), done_order) == "138****1234"


def test_in_service_orders_keep_the_full_phone(as_user, volunteer, make_order, now):
    order = make_order(S.ACCEPTED, when=NOW - dt.timedelta(days=30))
    assert _phone(as_user(volunteer.user), order) == order.phone
