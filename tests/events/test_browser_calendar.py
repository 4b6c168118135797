# ruff: noqa: F811 - the test takes the imported `december` fixture by name
"""The calendar on a 360 px phone (issue 16): download, print and subscribe come before the
month, on the first screen; the subscribe address copies with one tap."""

import pytest

from tests.browser import fits_width, marks
from tests.events.test_views import december  # noqa: F401 - the fixture

pytestmark = [*marks, pytest.mark.usefixtures("november_20")]


@pytest.mark.django_db(transaction=True)
def test_actions_first_on_a_phone(live_server, page, december, tuanjie):
    page.goto(f"{live_server.url}/calendar/2026-12/?town=")  # the whole city
    assert fits_width(page)
    subscribe = page.locator("a.button:has-text('订阅到手机日历')")
    download = page.locator("a.button:has-text('下载日历文件')")
    printing = page.locator("a.button:has-text('打印版')")
    grid = page.locator(".month-grid").bounding_box()
    for action in (subscribe, download, printing):
        box = action.bounding_box()
        assert box["y"] + box["height"] <= 740, "on the first screen"
        assert box["y"] < grid["y"], "above the month"
    assert subscribe.get_attribute("href").startswith("webcal://")

    copy = page.locator("button:has-text('复制')")
    assert copy.is_visible()  # shown once JavaScript runs
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    copy.click()
    page.wait_for_selector("button:has-text('已复制')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith("/calendar/feed.ics")
