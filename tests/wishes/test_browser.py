"""The wish wall on a phone (360 px): a resident picks the town and village, is refused a phone
number in the text, posts; the station head approves it from the queue; it is on the wall."""

import pytest

from stations.models import Role
from tests import factories as f
from tests.browser import fits_width, marks
from wishes.models import Wish

pytestmark = marks


@pytest.mark.django_db(transaction=True)
def test_resident_posts_head_approves_wall_shows(
    live_server, page, tuanjie_station, tuanjie, lecture_category
):
    page.goto(f"{live_server.url}/wishes/new/")
    page.select_option("#p-town", label="洪绪镇")
    page.click("a:has-text('团结村')")
    assert fits_width(page)
    page.select_option("#id_category", label="文明宣讲")
    page.fill("#id_description", "想请人教老人用智能手机，电话 139 1234 5678")
    page.fill("#id_phone", "13812341234")
    page.click("button:has-text('提交心愿')")
    assert page.locator("text=请不要在其中填写电话号码").first.is_visible()
    page.fill("#id_description", "想请人教老人用智能手机")
    page.click("button:has-text('提交心愿')")
    assert page.locator("text=心愿已提交").is_visible()
    assert fits_width(page)
    wish = Wish.objects.get()

    head = f.UserFactory(username="head-wishes")
    Role.objects.create(
        user=head, kind=Role.Kind.STATION_HEAD, city=tuanjie_station.city, position=tuanjie_station
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/wishes/moderate/")
    page.fill("#id_username", "head-wishes")
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/wishes/moderate/")
    assert fits_width(page)
    page.click(f"[data-wish-id='{wish.pk}'] button:has-text('通过并公开')")
    assert page.locator("text=已公开到心愿墙").is_visible()
    page.goto(f"{live_server.url}/wishes/")
    assert page.locator("text=想请人教老人用智能手机").is_visible()
    assert fits_width(page)
