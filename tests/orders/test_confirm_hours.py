"""An order's hours: pending after "completed with N hours", confirmed by the resident's rating
or by the station head on the order page or through the API; never credited twice."""

from decimal import Decimal

import pytest

from orders.models import Order
from tests.orders.factories import order_in_state
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db
S = Order.Status


@pytest.fixture
def completed(tuanjie, menu_item, volunteer, tuanjie_station):
    return order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)


def record_of(order):
    return ServiceRecord.objects.get(source_kind="order", source_id=order.pk)


def test_page_shows_pending_and_station_head_confirms(client, completed, station_head, volunteer):
    client.force_login(station_head)
    page = client.get(f"/station/orders/{completed.pk}/")
    assert "确认服务时长" in page.content.decode()
    url = f"/station/orders/{completed.pk}/confirm-hours/"
    assert client.get(url).status_code == 405
    done = client.post(url, follow=True)
    assert "已确认志愿者的服务时长" in done.content.decode()
    client.post(url)  # twice: a no-op
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.5")
    assert record_of(completed).changes.filter(action="confirm").count() == 1
    assert (
        "确认服务时长</button>"
        not in client.get(f"/station/orders/{completed.pk}/").content.decode()
    )


def test_page_other_town_is_404(client, completed, other_town_admin, volunteer):
    client.force_login(other_town_admin)
    assert client.post(f"/station/orders/{completed.pk}/confirm-hours/").status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0


def test_api_confirm_hours(as_user, completed, station_head, volunteer, other_town_admin):
    url = f"/api/orders/{completed.pk}/confirm-hours/"
    assert as_user(other_town_admin).post(url).status_code == 404
    assert as_user(volunteer.user).post(url).status_code == 403
    assert record_of(completed).status == "pending"
    head = as_user(station_head)
    assert head.get(url).status_code == 405
    first = head.post(url)
    assert first.status_code == 200 and first.json()["status"] == "completed"
    assert head.post(url).status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.hours_total == Decimal("2.5")


def test_api_confirm_before_completion_is_409(as_user, tuanjie, menu_item, volunteer, station_head):
    accepted = order_in_state(S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    response = as_user(station_head).post(f"/api/orders/{accepted.pk}/confirm-hours/")
    assert response.status_code == 409


def test_rated_order_is_confirmed(tuanjie, menu_item, volunteer):
    rated = order_in_state(S.RATED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    volunteer.refresh_from_db()
    assert record_of(rated).status == "confirmed" and volunteer.hours_total == Decimal("2.5")
