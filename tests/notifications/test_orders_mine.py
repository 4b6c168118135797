"""找回我的点单: phone → SMS code (6 digits, 10 minutes, 5 tries, rate-limited) → the orders."""

import re

import pytest
import time_machine

from notifications.kinds import Kind
from notifications.models import Notification, PhoneCode
from tests.notifications.conftest import at
from tests.orders.factories import submit_order

PHONE = "13812341234"
URL = "/orders/mine/"


@pytest.fixture
def orders(tuanjie_station, tuanjie, menu_item, neighbour_village):
    mine = [submit_order(v, menu_item, phone=PHONE) for v in (tuanjie, neighbour_village)]
    submit_order(tuanjie, menu_item, phone="13900009999")  # someone else's
    return mine


def send(client, phone=PHONE, **extra):
    return client.post(URL, {"action": "send", "phone": phone}, **extra)


def last_code() -> str:
    n = Notification.objects.filter(kind=Kind.PHONE_CODE).order_by("-id").first()
    return n.payload["code"]


def verify(client, code, phone=PHONE):
    return client.post(URL, {"action": "verify", "phone": phone, "code": code})


def test_code_then_my_orders_with_tracking_links(client, orders):
    assert client.get(URL).status_code == 200
    response = send(client)
    assert response.status_code == 200
    code = last_code()
    assert re.fullmatch(r"\d{6}", code)
    assert PhoneCode.objects.get().code_hash != code  # only a hash is kept
    response = verify(client, code)
    assert response.status_code == 302 and response["Location"] == URL
    page = client.get(URL).content.decode()
    for order in orders:
        assert f"/orders/t/{order.tracking_token}/" in page
    assert page.count("/orders/t/") == 2  # not the other phone's order
    assert PHONE not in page and "138****1234" in page


def strip(html: str) -> str:
    """The page without what differs by request anyway: the CSRF token and the number typed."""
    return re.sub(r'csrfmiddlewaretoken" value="[^"]+|1[3-9]\d\*{4}\d{4}|value="\d+"', "", html)


def test_page_never_says_whether_the_number_has_orders(client, orders):
    known = send(client).content.decode()
    unknown = send(client, phone="13700001234").content.decode()
    assert strip(known) == strip(unknown)
    # …but no SMS is paid for a number without orders.
    assert Notification.objects.filter(kind=Kind.PHONE_CODE).count() == 1
    assert verify(client, "123456", phone="13700001234").status_code == 400


def test_code_expires_after_ten_minutes(client, orders):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as traveller:
        send(client)
        code = last_code()
        traveller.move_to(at(2026, 12, 1, 9, 10))
        assert verify(client, code).status_code == 400
    assert client.get(URL).context.get("verified") is None


def test_five_tries_then_the_code_is_dead(client, orders):
    send(client)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert verify(client, wrong).status_code == 400
    response = verify(client, code)
    assert response.status_code == 400
    assert "尝试次数过多" in response.content.decode()


def test_a_code_works_once(client, orders):
    send(client)
    code = last_code()
    assert verify(client, code).status_code == 302
    client.post(URL, {"action": "forget"})
    assert verify(client, code).status_code == 400


def test_a_new_code_retires_the_old_one(client, orders):
    send(client)
    first = last_code()
    send(client)
    second = last_code()
    if first != second:  # one chance in a million that they match
        assert verify(client, first).status_code == 400
    assert verify(client, second).status_code == 302


def test_sending_is_limited_per_phone(client, orders, settings):
    for _ in range(5):
        assert send(client).status_code == 200
    response = send(client)
    assert response.status_code == 429 and "Retry-After" in response
    assert Notification.objects.filter(kind=Kind.PHONE_CODE).count() == 5


def test_requests_are_limited_per_address(client, orders, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "phone_code_ip": "3/hour",
        },
    }
    for i in range(3):
        assert send(client, phone=f"1370000{i:04d}").status_code == 200
    assert send(client, phone="13700005555").status_code == 429


def test_bad_phone_and_bad_action(client, db):
    assert send(client, phone="12345").status_code == 400
    assert client.post(URL, {"action": "other", "phone": PHONE}).status_code == 400
    assert client.put(URL).status_code == 405


def test_the_session_forgets_after_thirty_minutes(client, orders):
    with time_machine.travel(at(2026, 12, 1, 9, 0), tick=False) as traveller:
        send(client)
        verify(client, last_code())
        assert client.get(URL).context["verified"] is True
        traveller.move_to(at(2026, 12, 1, 9, 31))
        assert client.get(URL).context.get("verified") is None
