"""Navigation at 360 px (issue 16): every menu item is on screen, none scrolled off sideways."""

import pytest

from tests import factories as f
from tests.browser import fits_width, marks

pytestmark = marks


def _login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button:has-text('登录')")


@pytest.mark.django_db(transaction=True)
def test_every_menu_item_is_in_sight_at_phone_width(live_server, page, station_head):
    _login(page, live_server.url, station_head.username)
    page.wait_for_url("**/station/today/")
    links = page.locator(".main-nav a")
    labels = links.all_inner_texts()
    assert "统计报表" in labels and "今日工作" in labels
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, labels[i]
    assert fits_width(page)
