"""Issue 14, finding 3: a stranger who knows a phone number cannot lock its owner out.

The per-phone budget counts per phone *and* address, so five orders sent with a victim's number
from one address spend nothing of what the victim has at home; the per-address budget still
holds for everyone, whatever phones they use.
"""

import datetime as dt

import pytest
import time_machine

from orders.models import Order
from tests import factories as f

NEW = "/orders/new/"
A, B = "10.0.0.1", "10.0.0.2"


@pytest.fixture(autouse=True)
def mid_window():
    """The limits use fixed hourly windows: keep the clock inside one."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "order_submit_ip": "8/hour",
            "order_submit_phone": "3/hour",
        },
    }


@pytest.fixture
def items(menu_item):
    """Distinct menu items, so that no submission is a duplicate of another."""
    return [menu_item] + [
        f.MenuItemFactory(platform=menu_item.platform, category=menu_item.category)
        for _ in range(9)
    ]


@pytest.fixture
def form(tuanjie, resident):
    return {"village": tuanjie.pk, "people": 2, **resident}


@pytest.mark.usefixtures("rates")
def test_page_phone_budget_from_one_address_leaves_the_owner_alone(client, form, items):
    codes = [
        client.post(NEW, {**form, "menu_item": item.pk}, REMOTE_ADDR=A).status_code
        for item in items[:4]
    ]
    assert codes == [302, 302, 302, 429]  # the stranger at A is stopped after 3
    owner = client.post(NEW, {**form, "menu_item": items[4].pk}, REMOTE_ADDR=B)
    assert owner.status_code == 302  # the owner at B still orders
    assert Order.objects.count() == 4


@pytest.mark.usefixtures("rates")
def test_page_address_budget_still_holds_across_phones(client, form, items):
    codes = [
        client.post(
            NEW, {**form, "menu_item": items[0].pk, "phone": f"1391234000{i}"}, REMOTE_ADDR=A
        ).status_code
        for i in range(9)
    ]
    assert codes == [302] * 8 + [429]
    assert Order.objects.count() == 8


@pytest.mark.usefixtures("rates")
def test_api_phone_budget_from_one_address_leaves_the_owner_alone(api, form, items):
    def post(item, addr, **extra):
        data = {**form, "menu_item": item.pk, **extra}
        return api.post("/api/orders/", data, format="json", REMOTE_ADDR=addr).status_code

    assert [post(item, A) for item in items[:4]] == [201, 201, 201, 429]
    assert post(items[4], B) == 201
    # the address budget: A has spent 4 of 8 (the refused one counts too)
    assert [post(items[5], A, phone=f"1370000000{i}") for i in range(5)] == [201] * 4 + [429]
    assert Order.objects.count() == 8


@pytest.mark.usefixtures("rates")
@pytest.mark.parametrize("channel", ["page", "api"])
def test_page_and_api_count_a_refused_attempt_alike(client, api, form, items, channel):
    """One rule for both doors (orders.ratelimit.check_order_submit): every attempt with a
    phone counts against that phone's budget, even one refused for another field, so the page
    is not a way round the API's budget (it used to count the phone only for valid forms)."""
    bad = {**form, "menu_item": items[0].pk, "name": ""}  # refused: the name is required
    for _ in range(3):
        if channel == "page":
            assert client.post(NEW, bad, REMOTE_ADDR=A).status_code == 200
        else:
            assert api.post("/api/orders/", bad, format="json", REMOTE_ADDR=A).status_code == 400
    page = client.post(NEW, {**form, "menu_item": items[1].pk}, REMOTE_ADDR=A)
    assert page.status_code == 429
    response = api.post(
        "/api/orders/", {**form, "menu_item": items[2].pk}, format="json", REMOTE_ADDR=A
    )
    assert response.status_code == 429
    assert Order.objects.count() == 0
