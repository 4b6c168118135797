"""The volunteer dashboard (issue 16): what needs doing first, one tab at a time; 登记完成 and 退单
as buttons, 退单 confirmed on a page of its own (no JavaScript needed)."""

from django.utils import timezone

from orders.models import Order
from tests.orders.factories import order_in_state

S = Order.Status


def _mine(volunteer, village, menu_item, n: int) -> list[Order]:
    return [
        order_in_state(S.ACCEPTED, village=village, menu_item=menu_item, volunteer=volunteer)
        for _ in range(n)
    ]


def test_orders_to_claim_come_first(client, tuanjie_station, tuanjie, menu_item, volunteer):
    taken = _mine(volunteer, tuanjie, menu_item, 13)
    to_claim = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    client.force_login(volunteer.user)
    body = client.get("/volunteer/").content.decode()
    assert "可接的单（1）" in body and "我接的单（13）" in body
    assert to_claim.number in body
    # The 13 taken orders are a tab away, not above the one to claim.
    assert not any(o.number in body for o in taken)
    mine = client.get("/volunteer/", {"tab": "mine"}).content.decode()
    assert all(o.number in mine for o in taken) and to_claim.number not in mine
    # An unknown tab is the first one.
    assert to_claim.number in client.get("/volunteer/", {"tab": "x"}).content.decode()


def test_claim_leads_to_the_order_among_mine(client, open_order, volunteer):
    client.force_login(volunteer.user)
    response = client.post(f"/volunteer/orders/{open_order.pk}/claim/")
    assert response["Location"] == f"/volunteer/?tab=mine#order-{open_order.pk}"
    body = client.get(response["Location"]).content.decode()
    assert open_order.phone in body


def test_done_tab_lists_completed_orders(client, tuanjie_station, tuanjie, menu_item, volunteer):
    done = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    client.force_login(volunteer.user)
    assert done.number not in client.get("/volunteer/").content.decode()
    assert done.menu_item.title in client.get("/volunteer/?tab=done").content.decode()


def test_complete_is_a_button_to_its_own_form(client, accepted_order, volunteer):
    client.force_login(volunteer.user)
    mine = client.get("/volunteer/", {"tab": "mine"}).content.decode()
    assert (
        f'<a class="button primary" href="/orders/{accepted_order.pk}/complete/">登记完成</a>'
        in mine
    )
    assert "<summary>" not in mine.split('id="mine-title"')[1].split("hours-title")[0]
    page = client.get(f"/orders/{accepted_order.pk}/complete/")
    assert page.status_code == 200 and accepted_order.number in page.content.decode()
    # Today, in the form a date input accepts (a "2026/11/30" value left it empty), and a step
    # that lets 2 hours through.
    assert f'value="{timezone.localdate().isoformat()}"' in page.content.decode()
    assert 'step="0.1"' in page.content.decode()
    # A bad entry keeps the page and what was typed, with the reason.
    bad = client.post(
        f"/orders/{accepted_order.pk}/complete/",
        {"hours": "0", "note": "讲座完成", "service_date": timezone.localdate().isoformat()},
    )
    assert bad.status_code == 400
    assert "登记完成失败" in bad.content.decode() and "讲座完成" in bad.content.decode()
    ok = client.post(
        f"/orders/{accepted_order.pk}/complete/",
        {"hours": "2", "note": "讲座完成", "service_date": timezone.localdate().isoformat()},
    )
    assert ok["Location"] == "/volunteer/?tab=mine"
    accepted_order.refresh_from_db()
    assert accepted_order.status == S.COMPLETED
    # Done: the page says so instead of offering the form again.
    again = client.get(f"/orders/{accepted_order.pk}/complete/", follow=True)
    assert "该点单已不在服务中" in again.content.decode()


def test_release_asks_first_and_works_without_javascript(client, accepted_order, volunteer):
    client.force_login(volunteer.user)
    mine = client.get("/volunteer/", {"tab": "mine"}).content.decode()
    # 退单 is a link to a confirmation page, never a form that acts on one tap.
    assert f'<a class="button danger small" href="/orders/{accepted_order.pk}/release/">' in mine
    assert f'action="/orders/{accepted_order.pk}/release/"' not in mine
    confirm = client.get(f"/orders/{accepted_order.pk}/release/")
    body = confirm.content.decode()
    assert confirm.status_code == 200 and "确定要退单吗？" in body
    assert "确认退单" in body and "不退了，返回" in body
    accepted_order.refresh_from_db()
    assert accepted_order.status == S.ACCEPTED  # looking at the page changes nothing
    missing = client.post(f"/orders/{accepted_order.pk}/release/", {"reason": " "})
    assert missing["Location"] == f"/orders/{accepted_order.pk}/release/"
    done = client.post(f"/orders/{accepted_order.pk}/release/", {"reason": "临时出差"})
    assert done["Location"] == "/volunteer/?tab=mine"
    accepted_order.refresh_from_db()
    assert accepted_order.status == S.OPEN


def test_other_volunteers_get_no_complete_or_release_page(
    client, accepted_order, far_volunteer, town_volunteer
):
    for other in (far_volunteer, town_volunteer):  # neither sees another's accepted order
        client.force_login(other.user)
        assert client.get(f"/orders/{accepted_order.pk}/complete/").status_code == 404
        assert client.get(f"/orders/{accepted_order.pk}/release/").status_code == 404
