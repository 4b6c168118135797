"""帮办: a village's helper orders for a resident who phoned or walked in, with their consent;
the order is channel proxy, the helper is in the timeline, the resident gets the SMS, and the
helper prints a slip with the tracking QR code."""

import pytest
from django.urls import reverse

from core.errors import InvalidInput, PermissionDenied
from notifications.kinds import Channel, Kind
from notifications.models import Notification
from orders import submission
from orders.models import Order, OrderStatusChange, ProxyHelper
from tests import factories as f
from tests.orders.factories import send_notices

PROXY = reverse("orders:proxy")
PHONE = "13812341234"


@pytest.fixture
def helper(tuanjie):
    user = f.UserFactory(username="grid-tuanjie")
    ProxyHelper.objects.create(
        user=user, village=tuanjie, kind=ProxyHelper.Kind.GRID_WORKER, name="孙网格"
    )
    return user


@pytest.fixture
def form(tuanjie, menu_item):
    return {
        "village": tuanjie.pk,
        "menu_item": menu_item.pk,
        "name": "王大爷",
        "phone": PHONE,
        "people": 1,
        "description": "电话里说想听听医保政策",
        "consent": "on",
    }


def test_helper_orders_for_a_resident_and_prints_the_slip(
    client, helper, form, tuanjie_station, station_head
):
    client.force_login(helper)
    page = client.get(PROXY).content.decode()
    assert "居民已同意代为点单" in page and "团结村" in page  # one village: straight to the form

    response = client.post(PROXY, form)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:proxy_slip", args=[order.pk])
    assert (order.channel, order.placed_by, order.name, order.phone) == (
        Order.Channel.PROXY,
        helper,
        "王大爷",
        PHONE,
    )
    assert order.proxy_consent_at is not None

    # The timeline names the helper for staff, and only the role for the resident.
    first = order.status_changes.order_by("id").first()
    assert (first.actor, first.actor_kind) == (helper, OrderStatusChange.ActorKind.HELPER)
    assert first.note_display == "帮办员 孙网格（网格员）代为点单（居民已同意）。"
    assert first.public_note_display == "帮办员代为点单（居民已同意）。"
    track = client.get(reverse("orders:track", args=[order.tracking_token])).content.decode()
    assert "帮办员代为点单" in track and "孙网格" not in track

    # The resident gets the tracking SMS, as for their own order.
    send_notices()  # the worker's drain after the commit
    sms = Notification.objects.get(address=PHONE)
    assert (sms.kind, sms.channel) == (Kind.ORDER_RECEIVED, Channel.SMS)
    assert sms.payload["url"] == reverse("orders:track", args=[order.tracking_token])

    slip = client.get(response["Location"])
    body = slip.content.decode()
    assert slip.status_code == 200 and slip["Referrer-Policy"] == "same-origin"
    assert order.number in body and "<svg" in body and order.tracking_token in body
    assert "138****1234" in body and PHONE not in body

    # The station sees the door and the helper.
    client.force_login(station_head)
    detail = client.get(reverse("orders:station_order_detail", args=[order.pk])).content.decode()
    assert "帮办代点" in detail and "孙网格" in detail


def test_without_consent_nothing_is_ordered(client, helper, form):
    client.force_login(helper)
    del form["consent"]
    response = client.post(PROXY, form)
    assert response.status_code == 400
    assert "未经居民同意，不能代为点单。" in response.content.decode()
    assert not Order.objects.exists() and not Notification.objects.exists()


def test_the_service_refuses_without_consent_too(helper, tuanjie, menu_item):
    with pytest.raises(InvalidInput) as exc:
        submission.order_submit_for_resident(
            actor=helper,
            village=tuanjie,
            menu_item=menu_item,
            name="王大爷",
            phone=PHONE,
            consent=False,
        )
    assert "consent" in exc.value.fields
    assert not Order.objects.exists()


def test_only_helpers_of_the_village_may_order(
    client, helper, form, volunteer, neighbour_village, menu_item
):
    client.force_login(volunteer.user)  # a volunteer is not a helper
    assert client.get(PROXY).status_code == 403
    assert client.post(PROXY, form).status_code == 403

    # A helper of 团结村 posting another village's id: refused, nothing written.
    client.force_login(helper)
    response = client.post(PROXY, {**form, "village": neighbour_village.pk})
    assert "您不是该村（社区）的帮办员" in response.content.decode()
    with pytest.raises(PermissionDenied):
        submission.order_submit_for_resident(
            actor=helper,
            village=neighbour_village,
            menu_item=menu_item,
            name="王大爷",
            phone=PHONE,
            consent=True,
        )
    assert not Order.objects.exists()


def test_a_revoked_helper_may_no_longer_order(client, helper, form):
    ProxyHelper.objects.filter(user=helper).update(is_active=False)
    client.force_login(helper)
    assert client.post(PROXY, form).status_code == 403
    assert not Order.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, form):
    response = client.post(PROXY, form)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Order.objects.exists()


def test_the_station_head_orders_for_their_own_village(client, station_head, form):
    client.force_login(station_head)
    assert PROXY in client.get(reverse("orders:station_orders")).content.decode()
    assert client.post(PROXY, form).status_code == 302
    order = Order.objects.get()
    assert order.channel == Order.Channel.PROXY
    first = order.status_changes.order_by("id").first()
    assert first.note_display == "帮办员 head-tuanjie代为点单（居民已同意）。"


def test_only_the_helper_who_placed_it_sees_the_slip(client, helper, form, station_head):
    client.force_login(helper)
    client.post(PROXY, form)
    order = Order.objects.get()
    slip = reverse("orders:proxy_slip", args=[order.pk])
    other = f.UserFactory(username="grid-other")
    ProxyHelper.objects.create(
        user=other, village=order.village, kind=ProxyHelper.Kind.VILLAGE_CADRE, name="李村干"
    )
    for user in (other, station_head):
        client.force_login(user)
        assert client.get(slip).status_code == 404
    client.logout()
    assert client.get(slip).status_code == 302


def test_the_helper_sees_their_recent_orders_with_slips(client, helper, form):
    client.force_login(helper)
    client.post(PROXY, form)
    order = Order.objects.get()
    page = client.get(PROXY).content.decode()
    assert order.number in page and reverse("orders:proxy_slip", args=[order.pk]) in page


def test_the_admin_lists_helpers_of_the_staff_area(client, helper, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:orders_proxyhelper_changelist")).content.decode()
    assert "孙网格" in page
    response = client.post(
        reverse("admin:orders_proxyhelper_changelist"),
        {
            "action": "revoke_selected",
            "_selected_action": [ProxyHelper.objects.get().pk],
        },
    )
    assert response.status_code == 302
    assert not ProxyHelper.objects.get().is_active
