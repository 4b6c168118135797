"""The 洪绪镇 story on a 360 px phone: the town admin signs in, sees which villages were not
served last month and what each station lacks, opens the same month's five standards and
downloads the gap list as Excel."""

import io
from pathlib import Path

import openpyxl
import pytest

from tests import factories as f
from tests.browser import fits_width, marks

pytestmark = marks


@pytest.mark.django_db(transaction=True)
def test_town_admin_finds_gaps_and_lacks_and_exports(live_server, page, october):
    admin = f.UserFactory(username="admin-hongxu-browser")
    from stations.models import Role

    Role.objects.create(
        user=admin, kind=Role.Kind.TOWN_ADMIN, city=october["hongxu"].city, town=october["hongxu"]
    )
    page.goto(f"{live_server.url}/accounts/login/?next=/reports/%3Fmonth%3D2026-11")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/?month=2026-11")

    assert "服务覆盖 · 洪绪镇" in page.locator("h1").inner_text()
    gaps = page.locator("#t-gaps")
    assert gaps.locator("tbody tr").count() == 2  # 前进村 and 红旗村 went without in November
    qianjin = gaps.locator("tbody tr", has_text="前进村").inner_text()
    assert "有阵地、有计划、有队伍、有实践、有成效" in qianjin
    assert "无实践站" in gaps.locator("tbody tr", has_text="红旗村").inner_text()
    assert fits_width(page)

    # One tap to the same town's five standards for the same month.
    page.click(".report-tabs >> text=五有达标")
    page.wait_for_url("**/reports/five-standards/?*month=2026-11*")
    assert "五有达标 · 洪绪镇" in page.locator("h1").inner_text()
    assert fits_width(page)

    # Back to the gap list, and download it as Excel.
    page.go_back()
    with page.expect_download() as info:
        page.locator("#t-gaps a", has_text="Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    villages = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert villages == ["前进村", "红旗村"]
