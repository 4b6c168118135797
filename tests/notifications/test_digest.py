"""Officials get one daily digest of their area instead of a message per order."""

import pytest
import time_machine

from notifications.kinds import Kind
from notifications.models import Notification
from orders import notices, services
from orders.models import Order
from tests.notifications.conftest import at
from tests.orders.factories import order_in_state, submit_order

S = Order.Status


def digest_for(user):
    return Notification.objects.get(recipient=user, kind=Kind.DIGEST, channel="inbox")


@pytest.fixture
def busy(tuanjie_station, tuanjie, other_village, menu_item, volunteer):
    with time_machine.travel(at(2026, 11, 28, 9, 0), tick=False):
        old = submit_order(tuanjie, menu_item)  # waits since the 28th: overdue
    with time_machine.travel(at(2026, 11, 30, 10, 0), tick=False):
        submit_order(tuanjie, menu_item)
        submit_order(other_village, menu_item)
        rated = order_in_state(
            S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer
        )
        services.order_rate(tracking_token=rated.tracking_token, stars=1)
    return old


def test_town_admin_digest_counts_only_their_town(busy, town_admin, other_town_admin, city_admin):
    with time_machine.travel(at(2026, 12, 1, 8, 30), tick=False):
        assert notices.order_send_digests() == 3
    mine = digest_for(town_admin).payload
    assert (mine["new"], mine["overdue"], mine["low"]) == (2, 1, 1)
    assert mine["area"] == "洪绪镇" and mine["day"] == "2026-12-01"
    theirs = digest_for(other_town_admin).payload
    assert (theirs["new"], theirs["overdue"], theirs["low"]) == (1, 0, 0)
    city = digest_for(city_admin).payload
    assert (city["new"], city["overdue"], city["low"]) == (3, 1, 1)
    assert "新点单 2 个，超时未接单 1 个" in digest_for(town_admin).body


def test_one_digest_a_day(busy, town_admin):
    with time_machine.travel(at(2026, 12, 1, 8, 30), tick=False):
        notices.order_send_digests()
        notices.order_send_digests()
    assert Notification.objects.filter(recipient=town_admin, kind=Kind.DIGEST).count() == 1


def test_nothing_to_report_sends_nothing(town_admin, city_admin):
    with time_machine.travel(at(2026, 12, 1, 8, 30), tick=False):
        assert notices.order_send_digests() == 0
    assert not Notification.objects.filter(kind=Kind.DIGEST).exists()


def test_digest_goes_by_email_when_the_admin_has_one(busy, town_admin):
    town_admin.email = "town@example.com"
    town_admin.save()
    with time_machine.travel(at(2026, 12, 1, 8, 30), tick=False):
        notices.order_send_digests()
    email = Notification.objects.get(recipient=town_admin, kind=Kind.DIGEST, channel="email")
    assert email.address == "town@example.com"
