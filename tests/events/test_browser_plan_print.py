"""The station's month plan prints on one A4 landscape sheet (issue 16), in Chromium."""

import io

import pytest
from pypdf import PdfReader

from tests import factories as f
from tests.browser import marks
from tests.events.conftest import at

pytestmark = [*marks, pytest.mark.usefixtures("november_20")]


@pytest.mark.django_db(transaction=True)
def test_month_plan_prints_on_one_landscape_a4(live_server, page, station_head, make_event):
    for day in range(1, 29, 2):  # a busy month: 14 events
        make_event(state="planned", title=f"民法典宣讲第{day}场", start=at(2026, 12, day, 9))
    make_event(title="冬季送温暖", start=at(2026, 12, 30, 9))
    station_head.set_password(f.PASSWORD)
    station_head.save()
    page.goto(f"{live_server.url}/accounts/login/?next=/plans/2026-12/print/")
    page.fill("#id_username", station_head.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/plans/2026-12/print/")
    assert page.locator("td:has-text('草稿（未列入计划）')").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    assert abs(float(box.width) - 842) < 2 and abs(float(box.height) - 595) < 2  # A4 in points
