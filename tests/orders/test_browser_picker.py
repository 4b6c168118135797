"""The village picker with JavaScript at 360 px (issue 16): pinyin finds the village, a single
match is chosen, "下一步" with nothing chosen says why."""

import pytest

from tests import factories as f
from tests.browser import marks

pytestmark = marks


@pytest.mark.django_db(transaction=True)
def test_pinyin_single_match_then_next(live_server, page, tuanjie, neighbour_village, menu_item):
    f.VillageFactory(town=neighbour_village.town, name="孙埠村")
    page.goto(f"{live_server.url}/orders/new/")
    page.click("#picker-next")
    assert page.locator(".messages >> text=请先选择村（社区）").is_visible()

    page.fill("#id_q", "tuanjie")
    page.wait_for_selector("#picker-status:has-text('找到 1 个')")
    assert page.locator("#id_village").input_value() == str(tuanjie.pk)
    page.click("#picker-next")
    page.wait_for_url(f"**/orders/new/?*village={tuanjie.pk}*")
    assert page.locator("text=党的理论政策宣讲").count() >= 1
