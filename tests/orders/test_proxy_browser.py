"""帮办 in a phone-sized browser (360×740): a grid worker logs in, orders for a resident who
phoned (refused until the consent box is ticked), and gets the slip with the tracking QR code.

``WENMING_SCREENSHOTS=<dir>`` saves the form and the slip as PNGs (the README's pictures)."""

import os
from pathlib import Path

import pytest

from orders.models import Order, ProxyHelper
from tests import factories as f
from tests.browser import fits_width, marks

pytestmark = marks


def _shot(page, name: str) -> None:
    folder = os.environ.get("WENMING_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_grid_worker_orders_for_a_resident_and_prints_the_slip(
    live_server, page, tuanjie_station, tuanjie, menu_item
):
    user = f.UserFactory(username="grid-browser")
    user.set_password(f.PASSWORD)
    user.save()
    ProxyHelper.objects.create(
        user=user, village=tuanjie, kind=ProxyHelper.Kind.GRID_WORKER, name="孙网格"
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/orders/proxy/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/orders/proxy/")
    assert fits_width(page)

    page.select_option("#id_menu_item", label="党的理论政策宣讲")
    page.fill("#id_people", "1")
    page.fill("#id_name", "王大爷")
    page.fill("#id_phone", "138 1234 1234")
    page.fill("#id_description", "电话里说想听听医保政策")
    _shot(page, "proxy-form.png")
    page.click("button:has-text('代为提交点单')")
    page.wait_for_selector("text=未经居民同意，不能代为点单。")
    page.console_problems.clear()  # the 400 of the refused form is expected
    assert not Order.objects.exists()

    page.check("#id_consent")
    page.click("button:has-text('代为提交点单')")
    page.wait_for_url("**/slip/")
    order = Order.objects.get()
    assert order.channel == Order.Channel.PROXY and order.placed_by == user
    assert page.locator("text=" + order.number).first.is_visible()
    assert page.locator(".slip-qr svg").is_visible()
    assert fits_width(page)
    _shot(page, "proxy-slip.png")
