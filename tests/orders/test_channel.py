"""Every order records the door it came in through (issue 13): stored by the submit service,
shown on the station's pages, filterable in the API and counted in the orders report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Order
from reports import services as report_services
from tests.orders.factories import submit_order

C = Order.Channel


def test_submit_records_the_channel_it_is_given(tuanjie, menu_item):
    assert submit_order(tuanjie, menu_item).channel == C.WEB  # the web form is the default
    assert submit_order(tuanjie, menu_item, channel=C.KIOSK).channel == C.KIOSK
    assert Order.objects.get(channel=C.KIOSK).get_channel_display() == "触屏一体机"


def test_an_unknown_channel_is_a_programming_error_and_writes_nothing(tuanjie, menu_item):
    with pytest.raises(ValueError, match="channel"):
        submit_order(tuanjie, menu_item, channel="fax")
    assert not Order.objects.exists()


def test_the_web_form_and_the_api_record_their_own_doors(client, api, tuanjie, menu_item):
    data = {"village": tuanjie.pk, "menu_item": menu_item.pk, "name": "李大娘", "people": 3}
    assert client.post("/orders/new/", {**data, "phone": "13812341234"}).status_code == 302
    assert api.post("/api/orders/", {**data, "phone": "13812345678"}).status_code == 201
    channels = dict(Order.objects.values_list("phone", "channel"))
    assert channels == {"13812341234": C.WEB, "13812345678": C.API}


def test_station_pages_show_and_filter_the_channel(
    client, station_head, town_admin, tuanjie, menu_item
):
    kiosk = submit_order(tuanjie, menu_item, channel=C.KIOSK)
    web = submit_order(tuanjie, menu_item)
    client.force_login(station_head)
    body = client.get(reverse("orders:station_orders")).content.decode()
    assert "触屏一体机" in body and "网页点单" in body
    body = client.get(reverse("orders:station_orders"), {"channel": "kiosk"}).content.decode()
    assert kiosk.number in body and web.number not in body
    body = client.get(reverse("orders:station_orders"), {"channel": "fax"}).content.decode()
    assert kiosk.number in body and web.number in body  # an unknown filter shows everything
    detail = client.get(reverse("orders:station_order_detail", args=[kiosk.pk])).content.decode()
    assert "点单渠道" in detail and "触屏一体机" in detail

    client.force_login(town_admin)
    body = client.get(reverse("orders:town_orders"), {"channel": "kiosk"}).content.decode()
    assert kiosk.number in body and web.number not in body


def test_api_lists_and_filters_by_channel(as_user, station_head, tuanjie, menu_item):
    submit_order(tuanjie, menu_item, channel=C.KIOSK)
    submit_order(tuanjie, menu_item, channel=C.PROXY)
    submit_order(tuanjie, menu_item)
    client = as_user(station_head)
    rows = client.get("/api/orders/", {"channel": "proxy"}).json()["results"]
    assert [(r["channel"], r["channel_label"]) for r in rows] == [("proxy", "帮办代点")]
    rows = client.get("/api/orders/?channel=kiosk&channel=web").json()["results"]
    assert sorted(r["channel"] for r in rows) == ["kiosk", "web"]
    response = client.get("/api/orders/", {"channel": "fax"})
    assert response.status_code == 400
    assert "channel" in response.json()["fields"]


def test_orders_report_counts_each_door(client, city_admin, tuanjie, menu_item):
    for channel in (C.WEB, C.WEB, C.KIOSK, C.OPEN311):
        submit_order(tuanjie, menu_item, channel=channel)
    report_services.rebuild()
    client.force_login(city_admin)
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(reverse("reports:orders"), {"from": month, "to": month})
    data = response.context["data"].as_dict()
    received = {row["channel"]: row["received"] for row in data["by_channel"]}
    assert received == {"web": 2, "kiosk": 1, "proxy": 0, "api": 0, "open311": 1}
    assert "按点单渠道" in response.content.decode()
    export = client.get(
        reverse("reports:export", args=["orders", "channel", "csv"]), {"from": month, "to": month}
    )
    assert export.status_code == 200
    assert "触屏一体机" in export.content.decode("utf-8-sig")


def test_submit_keeps_the_channel_through_review(station_head, tuanjie, tuanjie_station, menu_item):
    order = submit_order(tuanjie, menu_item, channel=C.PROXY)
    order = services.order_approve(order_id=order.pk, actor=station_head)
    assert order.channel == C.PROXY
