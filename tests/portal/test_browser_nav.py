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


@pytest.mark.django_db(transaction=True)
def test_the_longest_menu_in_english_fits_too(live_server, page, city_admin, volunteer):
    """A long menu (city admin, staff and a volunteer: ten items) with English's longer labels:
    all on screen at 360 px, wrapped rather than scrolled, none overlapping."""
    city_admin.is_staff = True
    city_admin.save()
    volunteer.user = city_admin
    volunteer.save()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    _login_en(page, live_server.url, city_admin.username)
    page.goto(f"{live_server.url}/")
    links = page.locator(".main-nav a")
    labels = links.all_inner_texts()
    assert "Reports" in " ".join(labels) and len(labels) == 10, labels
    boxes = [links.nth(i).bounding_box() for i in range(links.count())]
    for label, box in zip(labels, boxes, strict=True):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, label
        assert box["height"] >= 32, label  # a finger can hit it
    for a, b in zip(boxes, boxes[1:], strict=False):  # side by side or on the next line
        assert b["x"] >= a["x"] + a["width"] or b["y"] >= a["y"] + a["height"]
    assert fits_width(page)


def _login_en(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
