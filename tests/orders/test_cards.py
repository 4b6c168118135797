"""An order's badge and cards, written in Python (orders/templatetags/order_cards.py): each part
a reader relies on shows, in Chinese and in English, and the claim button's form works."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from orders.models import Order
from tests.orders.factories import order_in_state

pytestmark = pytest.mark.django_db
S = Order.Status


def cards(html: str) -> list[str]:
    return re.findall(r'<li class="card order-card"[^>]*>.*?</li>', html, re.S)


def test_station_card_shows_state_place_resident_owner_and_rating(
    client, station_head, tuanjie, menu_item, volunteer
):
    done = order_in_state(S.RATED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    client.force_login(station_head)
    (card,) = cards(client.get("/station/orders/").content.decode())
    assert f'href="/station/orders/{done.pk}/"' in card and "党的理论政策宣讲" in card
    assert '<span class="badge ok">已评价</span>' in card
    assert done.number in card and "洪绪镇 团结村" in card
    assert timezone.localtime(done.created_at).strftime("%Y-%m-%d %H:%M") in card
    assert f"李大娘 {done.masked_phone}" in card and done.phone not in card
    assert "接单：张明" in card and "5★" in card

    client.cookies["django_language"] = "en"
    (card,) = cards(client.get("/station/orders/").content.decode())
    assert '<span class="badge ok">Rated</span>' in card and "Accepted by: 张明" in card


def test_station_card_marks_overdue_orders_and_waiting_ones(
    client, station_head, tuanjie, menu_item
):
    waiting = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    client.force_login(station_head)
    (card,) = cards(client.get("/station/orders/").content.decode())
    assert '<span class="badge warn">待接单</span>' in card and "超时未接单" not in card
    with time_machine.travel(waiting.created_at + dt.timedelta(hours=49)):
        (card,) = cards(client.get("/station/orders/").content.decode())
        assert '<span class="badge bad">超时未接单</span>' in card
        client.cookies["django_language"] = "en"
        (card,) = cards(client.get("/station/orders/").content.decode())
        assert '<span class="badge bad">Overdue</span>' in card


def test_dashboard_card_and_its_claim_button(tuanjie, menu_item, volunteer):
    order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, people=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(volunteer.user)
    (card,) = cards(client.get("/volunteer/").content.decode())
    assert '<span class="badge ok">本村</span>' in card and "1 人" in card
    assert "联系人：李** " + order.masked_phone in card
    assert "想请志愿者来村里讲讲新政策" in card

    client.cookies["django_language"] = "en"
    (card,) = cards(client.get("/volunteer/").content.decode())
    assert "1 person" in card and "Contact: 李** " in card
    action = re.search(r'<form method="post" action="([^"]+)">', card).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', card).group(1)
    response = client.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == S.ACCEPTED and order.accepted_by == volunteer
