"""One phone rule on every path: a number typed as ``+86 138-1234-5678`` (or with full-width
digits) is accepted when ordering and when checking in, on the page and through the API, and
stored as its 11 digits. Before core.phone, check-in refused it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from events import checkin_token
from events import services as event_services
from events.models import CheckIn
from orders.models import Order

pytestmark = pytest.mark.django_db

TYPED = ["+86 138-1234-5678", "0086 (138) 1234 5678", "１３８ １２３４ ５６７８"]
STORED = "13812345678"
BAD = ["138-1234-567", "+86 238 1234 5678", "١٣٨١٢٣٤٥٦٧٨"]
NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def order_data(tuanjie_station, tuanjie, menu_item):
    return {"village": tuanjie.pk, "menu_item": menu_item.pk, "name": "李大娘", "people": 3}


@pytest.fixture
def event(station_head, tuanjie_station, lecture_category):
    """A published event that started at 09:00 today: check-in is open."""
    start = NOW.replace(hour=9)
    made = event_services.event_create(
        user=station_head,
        title="民法典宣讲",
        category=lecture_category,
        start=start,
        end=start + dt.timedelta(hours=2),
        organiser_position=tuanjie_station,
    )
    made = event_services.event_plan(user=station_head, event=made)
    return event_services.event_publish(user=station_head, event=made)


@pytest.mark.parametrize("typed", TYPED)
def test_order_page_and_api_accept_typed_numbers(client, api, order_data, typed):
    page = client.post("/orders/new/", {**order_data, "phone": typed})
    assert page.status_code == 302
    created = api.post("/api/orders/", {**order_data, "phone": typed}, format="json")
    # The same phone, village and item: the API refuses it as a duplicate of the page's order.
    assert created.status_code == 409 and created.json()["code"] == "duplicate"
    order = Order.objects.get()
    assert order.phone == STORED


@pytest.mark.parametrize("typed", TYPED)
def test_checkin_page_accepts_typed_numbers(client, event, typed):
    body = {"name": "李大娘", "phone": typed, "token": checkin_token.make(event.pk)}
    response = client.post(f"/events/{event.pk}/checkin/", body)
    assert response.status_code == 302
    checkin = CheckIn.objects.get(event=event)
    assert checkin.phone == STORED
    event.refresh_from_db()
    assert event.attendance == 1


@pytest.mark.parametrize("typed", TYPED)
def test_checkin_api_accepts_typed_numbers(api, event, typed):
    url = f"/api/events/{event.pk}/checkins/"
    token = checkin_token.make(event.pk)  # the resident scanned the kiosk's rotating code
    response = api.post(url, {"name": "李大娘", "phone": typed, "token": token}, format="json")
    assert response.status_code == 201
    assert CheckIn.objects.get(event=event).phone == STORED
    # The same person typing the plain form is the same check-in.
    again = api.post(url, {"name": "李大娘", "phone": STORED, "token": token}, format="json")
    assert again.status_code == 200 and again.json()["created"] is False


@pytest.mark.parametrize("bad", BAD)
def test_every_path_refuses_the_same_bad_numbers(client, api, order_data, event, bad):
    message = "请输入11位中国大陆手机号，例如 13812345678。"
    page = client.post("/orders/new/", {**order_data, "phone": bad})
    assert page.status_code == 200 and message in page.content.decode()  # the form again
    body = api.post("/api/orders/", {**order_data, "phone": bad}, format="json").json()
    assert body["code"] == "invalid" and body["fields"]["phone"] == [message]
    checkin = client.post(f"/events/{event.pk}/checkin/", {"name": "李大娘", "phone": bad})
    assert checkin.status_code == 400 and message in checkin.content.decode()
    url = f"/api/events/{event.pk}/checkins/"
    body = api.post(url, {"name": "李大娘", "phone": bad}, format="json").json()
    assert body["code"] == "invalid" and body["fields"]["phone"] == [message]
    assert not Order.objects.exists() and not CheckIn.objects.exists()
