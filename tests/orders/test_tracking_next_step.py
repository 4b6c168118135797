"""The tracking page tells the resident what happens next (issue 16): who must act, about how
long it takes, the station's phone, and the page's own link to copy or share."""

import pytest

from orders.models import Order
from tests.orders.factories import order_in_state

S = Order.Status


def _page(client, order) -> str:
    return client.get(f"/orders/t/{order.tracking_token}/").content.decode()


@pytest.mark.parametrize(
    ("status", "who", "when"),
    [
        (S.SUBMITTED, "村实践站审核您的点单", "通常 1 天内；超过 48 小时未处理会提醒站长"),
        (S.OPEN, "等待志愿者接单", "24 小时无人接单，会转给镇街志愿服务队"),
        (S.ACCEPTED, "接单的志愿者联系您并提供服务", "志愿者会先打电话和您约定时间"),
        (S.COMPLETED, "轮到您：请为本次服务评价", "评价只需 1 分钟"),
        (S.RATED, "本次点单已结束，无需再操作", None),
        (S.CANCELLED, "本次点单已结束，无需再操作", None),
    ],
)
def test_says_who_acts_next_and_how_long(
    client, tuanjie_station, tuanjie, menu_item, volunteer, status, who, when
):
    order = order_in_state(status, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    body = _page(client, order)
    assert who in body
    if when:
        assert when in body


def test_shows_the_stations_phone(client, tuanjie_station, tuanjie, menu_item):
    tuanjie_station.head_phone = "0632-5551234"
    tuanjie_station.head_name = "王站长"
    tuanjie_station.save()
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    body = _page(client, order)
    assert '<a href="tel:0632-5551234">0632-5551234（王站长）</a>' in body
    assert tuanjie_station.name in body


def test_the_link_can_be_copied_and_shared(
    client, tuanjie_station, tuanjie, menu_item, django_assert_max_num_queries
):
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    with django_assert_max_num_queries(8):
        body = _page(client, order)
    url = f"http://testserver/orders/t/{order.tracking_token}/"
    assert f'id="track-url" value="{url}" readonly' in body
    assert 'data-copy="#track-url"' in body and f'data-share="{url}"' in body


def test_english(client, tuanjie_station, tuanjie, menu_item):
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    body = client.get(
        f"/orders/t/{order.tracking_token}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Waiting for a volunteer to claim it" in body
