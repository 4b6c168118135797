"""The whole story in a phone-sized browser (360×740): a resident orders, the 团结村 volunteer
claims and completes it, the resident rates it through the tracking link."""

import os

import pytest

from orders import services
from orders.models import Order
from tests import factories as f
from tests.browser import fits_width, marks

pytestmark = marks


@pytest.mark.django_db(transaction=True)
def test_resident_orders_volunteer_serves_resident_rates(
    live_server, page, tuanjie_station, tuanjie, neighbour_village, menu_item, volunteer
):
    volunteer.user.set_password(f.PASSWORD)
    volunteer.user.save()
    station_head = f.UserFactory(username="head-browser")
    from stations.models import Role

    Role.objects.create(
        user=station_head,
        kind=Role.Kind.STATION_HEAD,
        city=tuanjie_station.city,
        position=tuanjie_station,
    )

    # 1. The resident picks the town, then the village (JavaScript fills the list).
    page.goto(f"{live_server.url}/orders/new/")
    assert fits_width(page)
    page.select_option("#id_town", label="洪绪镇")
    page.wait_for_selector("#id_village option:has-text('团结村')", state="attached")
    page.select_option("#id_village", label="团结村")
    page.wait_for_url("**/orders/new/?*village=*")
    assert fits_width(page)

    # 2. The order form: a bad phone is refused with a clear message, then it goes through.
    page.select_option("#id_menu_item", label="党的理论政策宣讲")
    page.fill("#id_people", "30")
    page.fill("#id_description", "想请志愿者讲讲新政策")
    page.fill("#id_name", "李大娘")
    page.fill("#id_phone", "1234")
    page.click("button:has-text('提交点单')")
    # The error summary at the top has the focus and leads to the field.
    summary = page.locator("[data-error-summary]")
    assert summary.evaluate("el => el === document.activeElement")
    summary.locator("a[href='#id_phone']").click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    assert page.locator("#id_phone_error").get_by_text("请输入11位中国大陆手机号").is_visible()
    page.fill("#id_phone", "138 1234 1234")
    page.click("button:has-text('提交点单')")
    page.wait_for_url("**/orders/t/*/")
    order = Order.objects.get()
    assert page.locator(f"text={order.number}").first.is_visible()
    assert page.locator("text=138****1234").is_visible()
    assert fits_width(page)
    tracking_url = page.url

    # 3. The station approves; the volunteer logs in on their phone, claims and completes.
    services.order_approve(order_id=order.pk, actor=station_head)
    page.goto(f"{live_server.url}/accounts/login/?next=/volunteer/")
    page.fill("#id_username", volunteer.user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/volunteer/")
    assert fits_width(page)
    page.click("button:has-text('接单')")
    page.wait_for_selector("text=接单成功")
    assert page.locator("text=13812341234").first.is_visible()  # the owner sees the phone
    # The order is now among "我接的单"; 登记完成 is a button at one end, 退单 at the other.
    card = page.locator(f"#order-{order.pk}")
    finish = card.locator("a.button:has-text('登记完成')").bounding_box()
    give_back = card.locator("a.button:has-text('退单')").bounding_box()
    assert finish["x"] + finish["width"] + 16 <= give_back["x"]
    card.locator("a.button:has-text('登记完成')").click()
    page.fill("#id_hours", "2")
    page.fill("#id_note", "在文化广场宣讲，约30人参加")
    page.click("button:has-text('确认完成')")
    page.wait_for_selector("text=已登记完成")
    assert fits_width(page)
    page.click("button:has-text('退出')")

    # 4. The resident follows the tracking link and rates the service.
    page.goto(tracking_url)
    for label in ("待审核", "待接单", "已接单", "已完成"):
        assert page.locator(f".timeline >> text={label}").first.is_visible()
    assert page.locator("text=志愿者 明").is_visible()
    page.check("input[name=stars][value='5']")
    page.fill("textarea[name=comment]", "讲得很好")
    page.click("button:has-text('提交评价')")
    page.wait_for_selector("text=感谢您的评价")
    assert fits_width(page)
    order.refresh_from_db()
    assert (order.status, order.stars) == (Order.Status.RATED, 5)
    assert os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE") == "true"
