"""A low rating's follow-up can open a new order for the same resident and service, linked to
the first: both timelines say so, the new order is open for claiming and the resident gets its
tracking link by SMS."""

import pytest

from core.errors import InvalidTransition
from notifications.kinds import Kind
from notifications.models import Notification
from orders import services
from orders.models import Order, OrderStatusChange
from tests.orders.factories import order_in_state, send_notices

S = Order.Status
PHONE = "13812341234"


@pytest.fixture
def low_rated(tuanjie_station, tuanjie, menu_item, volunteer):
    order = order_in_state(
        S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer, phone=PHONE
    )
    return services.order_rate(tracking_token=order.tracking_token, stars=1, comment="没来")


def url(order, action="follow-up"):
    return f"/station/orders/{order.pk}/{action}/"


def notes(order):
    return [
        (c.note_kind, c.note_display)
        for c in OrderStatusChange.objects.filter(order=order).order_by("id")
    ]


def test_the_follow_up_opens_a_linked_order(client, low_rated, station_head, volunteer):
    client.force_login(station_head)
    response = client.post(url(low_rated), {"note": "已电话致歉，重新安排", "reopen": "on"})
    assert response.status_code == 302
    low_rated.refresh_from_db()
    assert not low_rated.needs_follow_up and low_rated.follow_up_note == "已电话致歉，重新安排"
    new = Order.objects.get(follow_up_of=low_rated)
    assert new.number != low_rated.number
    assert new.status == S.OPEN  # the head opened it: no second review
    assert (new.village, new.menu_item, new.name, new.phone, new.people) == (
        low_rated.village,
        low_rated.menu_item,
        low_rated.name,
        PHONE,
        low_rated.people,
    )
    assert new.tracking_token != low_rated.tracking_token

    # Both timelines name the other order.
    assert notes(low_rated)[-2:] == [
        ("followed_up", "站长已回访群众"),
        ("follow_up_order", f"差评回访后新开点单 {new.number}"),
    ]
    assert notes(new)[0] == ("follow_up_of", f"由点单 {low_rated.number} 的差评回访新开")
    first = client.get(f"/station/orders/{low_rated.pk}/").content.decode()
    assert f"差评回访后新开点单 {new.number}" in first
    assert f'href="/station/orders/{new.pk}/"' in first
    second = client.get(f"/station/orders/{new.pk}/").content.decode()
    assert f"由点单 {low_rated.number} 的差评回访新开" in second
    assert f'href="/station/orders/{low_rated.pk}/"' in second
    # The resident's tracking page of the new order says where it came from.
    track = client.get(f"/orders/t/{new.tracking_token}/").content.decode()
    assert f"由点单 {low_rated.number} 的差评回访新开" in track

    # The resident gets the new order's tracking link; the village's volunteers may claim it;
    # the head who opened it is not told of "a new order".
    send_notices()  # the worker's drain after the commit
    received = Notification.objects.get(kind=Kind.ORDER_RECEIVED, payload__number=new.number)
    assert received.address == PHONE
    assert new.tracking_token in received.payload["url"]
    assert Notification.objects.filter(
        kind=Kind.ORDER_OPEN, payload__number=new.number, recipient=volunteer.user
    ).exists()
    assert not Notification.objects.filter(kind=Kind.ORDER_NEW, payload__number=new.number).exists()


def test_without_the_box_only_the_follow_up_is_recorded(client, low_rated, station_head):
    client.force_login(station_head)
    client.post(url(low_rated), {"note": "已电话回访"})
    assert not Order.objects.filter(follow_up_of=low_rated).exists()
    assert notes(low_rated)[-1] == ("followed_up", "站长已回访群众")


def test_once_only(low_rated, station_head):
    services.order_follow_up(order_id=low_rated.pk, actor=station_head, note="回访", reopen=True)
    with pytest.raises(InvalidTransition):
        services.order_follow_up(order_id=low_rated.pk, actor=station_head, note="再", reopen=True)
    assert Order.objects.filter(follow_up_of=low_rated).count() == 1


def test_an_erased_contact_cannot_be_reopened_and_nothing_is_half_done(
    client, low_rated, station_head
):
    Order.objects.filter(pk=low_rated.pk).update(
        name="", phone="", anonymised_at=low_rated.rated_at
    )
    client.force_login(station_head)
    response = client.post(url(low_rated), {"note": "回访", "reopen": "on"}, follow=True)
    assert "该点单的联系人信息已删除，不能新开点单。" in response.content.decode()
    low_rated.refresh_from_db()
    assert low_rated.needs_follow_up  # the follow-up was not recorded either
    assert Order.objects.count() == 1


def test_a_volunteer_gets_403_and_another_town_404(client, low_rated, volunteer, other_town_admin):
    client.force_login(volunteer.user)
    # The volunteer owns the order (they served it): they see it but do not administer it.
    assert client.post(url(low_rated), {"note": "x", "reopen": "on"}).status_code == 403
    client.force_login(other_town_admin)
    assert client.post(url(low_rated), {"note": "x", "reopen": "on"}).status_code == 404
    assert client.get(url(low_rated)).status_code == 405
    assert Order.objects.count() == 1
