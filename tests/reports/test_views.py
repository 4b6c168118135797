"""Every figure on the report pages, checked against the hand-built October (see conftest)."""

import csv
import datetime as dt
import io
import re
from urllib.parse import unquote

import openpyxl
import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.long

COVERAGE = reverse("reports:coverage")


def table_rows(html: str, key: str) -> list[dict[str, str]]:
    """A report table of a page as it shows (``reports.render``): one dict per row, by header."""
    section = html.split(f'id="t-{key}"', 1)[1].split("</section>", 1)[0]

    def cells(row: str) -> list[str]:
        found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        return [re.sub(r"<[^>]+>", "", c).strip() for c in found]

    head, *rows = re.findall(r"<tr>(.*?)</tr>", section)
    return [dict(zip(cells(head), cells(row), strict=True)) for row in rows]


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- Coverage ------------------------------------------------------------------------------------


def test_city_coverage_counts_in_shanghai_months(client, city_admin, october):
    response = get(client, city_admin, COVERAGE)  # default: the last full month, 2026-10
    assert response.status_code == 200
    data = response.context["data"].as_dict()
    assert data["month"] == "2026-10"
    assert data["level"] == "city"
    rows = {r["name"]: r for r in data["rows"]}
    lecture, law = october["lecture"].pk, october["law"].pk
    # 团结村 (order A, 10-31 23:30) and 前进村 (midnight event ending 10-01 02:00) served;
    # 红旗村 not: its October event was cancelled. Order B (11-01 00:10) is November.
    assert rows["洪绪镇"] | {"heat": None} == {
        "id": october["hongxu"].pk,
        "name": "洪绪镇",
        "villages": 3,
        "served": 2,
        "percent": 66.7,
        "services": 2,
        "by_category": {lecture: 2, law: 0},
        "heat": None,
    }
    assert rows["龙泉街道"]["served"] == 1
    assert rows["龙泉街道"]["percent"] == 100.0
    assert rows["龙泉街道"]["by_category"] == {lecture: 0, law: 1}
    assert data["totals"] == {
        "villages": 4,
        "served": 3,
        "percent": 75.0,
        "services": 3,
        "by_category": {lecture: 2, law: 1},
    }
    # Heat map and trend: July (红旗村, order E) and October; November is not in range.
    assert data["months"][0] == "2025-11" and data["months"][-1] == "2026-10"
    assert rows["洪绪镇"]["heat"] == [0] * 8 + [1, 0, 0, 2]
    assert [t["served"] for t in data["trend"]] == [0] * 8 + [1, 0, 0, 3]
    assert data["trend"][-1]["percent"] == 75.0
    assert data["gaps"] == [
        {
            "village_id": october["hongqi"].pk,
            "village": "红旗村",
            "town_id": october["hongxu"].pk,
            "town": "洪绪镇",
            "station": "",
            "head_name": "",
            "head_phone": "",
            "months_without": 3,
            "lacks": None,  # no station
        }
    ]
    body = response.content.decode()
    assert "红旗村" in body and "66.7" in body and "<svg" in body


def test_november_counts_the_order_completed_after_midnight(client, city_admin, october):
    data = get(client, city_admin, COVERAGE, month="2026-11").context["data"].as_dict()
    rows = {r["name"]: r for r in data["rows"]}
    assert rows["洪绪镇"]["served"] == 1  # order B, 11-01 00:10 Shanghai
    assert rows["洪绪镇"]["by_category"][october["law"].pk] == 1
    gaps = {g["village"]: g["months_without"] for g in data["gaps"]}
    assert gaps == {"前进村": 1, "红旗村": 4, "龙泉社区": 1}
    # Why each unserved station also falls short in November.
    lacks = {g["village"]: g["lacks"] for g in data["gaps"]}
    assert lacks == {
        "前进村": ["venue", "plan", "team", "practice", "results"],
        "红旗村": None,
        "龙泉社区": ["plan", "team", "practice", "results"],
    }
    # The same verdicts as the five standards page, station by station.
    standards = get(client, city_admin, reverse("reports:standards"), month="2026-11").context
    verdicts = {s["village"]: s["lacks"] for s in standards["data"].as_dict()["stations"]}
    for gap in data["gaps"]:
        assert gap["lacks"] == verdicts.get(gap["village"])


def test_town_admin_lands_on_their_town_by_village(client, town_admin, october):
    response = get(client, town_admin, COVERAGE)
    data = response.context["data"].as_dict()
    assert data["level"] == "town"
    rows = {r["name"]: r for r in data["rows"]}
    assert set(rows) == {"团结村", "前进村", "红旗村"}
    assert (rows["团结村"]["served"], rows["团结村"]["services"]) == (1, 1)
    assert rows["前进村"]["by_category"][october["lecture"].pk] == 1
    assert (rows["红旗村"]["served"], rows["红旗村"]["percent"]) == (0, 0.0)
    assert rows["红旗村"]["heat"][8] == 1  # July
    assert data["totals"]["villages"] == 3 and data["totals"]["served"] == 2
    assert [g["village"] for g in data["gaps"]] == ["红旗村"]
    summary = next(t for t in response.context["tables"] if t.key == "summary")
    assert summary.headers == ["村（社区）", "本月已服务", "服务次数"]
    assert sorted(summary.rows[:-1]) == [["前进村", "✓", 1], ["团结村", "✓", 1], ["红旗村", "✗", 0]]
    assert summary.rows[-1] == ["合计", "2/3 村（66.7%）", 2]
    body = response.content.decode()
    assert body.index('id="t-gaps"') < body.index('id="t-summary"')  # the gap list comes first


def test_village_drill_down(client, town_admin, october):
    response = get(client, town_admin, COVERAGE, village=october["qianjin"].pk)
    assert response.status_code == 200
    monthly = {m["month"]: m for m in response.context["detail"].as_dict()["monthly"]}
    assert monthly["2026-10"] == {
        "month": "2026-10",
        "services": 1,
        "orders_completed": 0,
        "events_done": 1,
        "wishes_fulfilled": 0,
        "attendance": 30,
        "orders_rated": 0,
        "average_rating": None,
        "volunteer_hours": 3.0,
    }
    assert monthly["2026-09"]["services"] == 0  # the event spans midnight: counted once
    assert response.context["lacks"] == ["有阵地", "有计划", "有队伍", "有成效"]


def test_station_head_sees_only_their_village(client, station_head, october):
    response = get(client, station_head, COVERAGE)
    assert response.context["area"].village == october["tuanjie"]
    assert get(client, station_head, COVERAGE, village=october["qianjin"].pk).status_code == 404
    assert get(client, station_head, COVERAGE, town=october["hongxu"].pk).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        reverse("reports:coverage"),
        reverse("reports:standards"),
        reverse("reports:orders"),
        reverse("reports:volunteers"),
        reverse("reports:export", args=["coverage", "gaps", "xlsx"]),
        reverse("reports:export", args=["standards", "stations", "csv"]),
    ],
)
def test_town_admin_gets_404_for_another_town(client, other_town_admin, october, url):
    assert get(client, other_town_admin, url, town=october["hongxu"].pk).status_code == 404
    assert get(client, other_town_admin, url, village=october["tuanjie"].pk).status_code == 404
    assert get(client, other_town_admin, url, town=october["longquan"].pk).status_code == 200


def test_reports_need_login_and_an_area(client, volunteer, october):
    response = client.get(COVERAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(volunteer.user)  # a volunteer has no administrative area
    assert client.get(COVERAGE).status_code == 404


def test_post_is_refused(client, city_admin, october):
    client.force_login(city_admin)
    assert client.post(COVERAGE).status_code == 405


@pytest.mark.parametrize("month", ["2026-13", "10-2026", "abc", "2026-1"])
def test_bad_month_is_400_with_message(client, city_admin, october, month):
    response = get(client, city_admin, COVERAGE, month=month)
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()


def test_bad_range_is_400(client, city_admin, october):
    url = reverse("reports:orders")
    response = get(client, city_admin, url, **{"from": "2026-10", "to": "2026-09"})
    assert response.status_code == 400
    assert "开始月份不能晚于结束月份" in response.content.decode()
    assert get(client, city_admin, url, **{"from": "2020-01", "to": "2026-09"}).status_code == 400
    assert get(client, city_admin, COVERAGE, town="x").status_code == 404


# --- Five standards ------------------------------------------------------------------------------


def test_five_standards_of_hongxu(client, town_admin, october):
    data = get(client, town_admin, reverse("reports:standards")).context["data"].as_dict()
    stations = {s["village"]: s for s in data["stations"]}
    assert set(stations) == {"团结村", "前进村"}  # 红旗村 has no station
    tuanjie = stations["团结村"]
    assert {
        k: tuanjie[k] for k in ("venue", "plan", "team", "practice", "results")
    } == dict.fromkeys(("venue", "plan", "team", "practice", "results"), True)
    assert (tuanjie["volunteers"], tuanjie["services"], tuanjie["ratings"]) == (5, 1, 1)
    assert tuanjie["average_rating"] == 5.0 and tuanjie["all_five"]
    qianjin = stations["前进村"]
    assert qianjin["lacks"] == ["venue", "plan", "team", "results"]
    assert (qianjin["volunteers"], qianjin["services"], qianjin["ratings"]) == (4, 1, 0)
    assert data["towns"] == [
        {
            "town_id": october["hongxu"].pk,
            "town": "洪绪镇",
            "stations": 2,
            "all_five": 1,
            "venue": 1,
            "plan": 1,
            "team": 1,
            "practice": 2,
            "results": 1,
            "percent": 50.0,
        }
    ]
    assert data["totals"] == {"stations": 2, "all_five": 1, "percent": 50.0}


def test_five_standards_rules_are_settings(client, town_admin, october, settings):
    settings.WENMING_TEAM_MIN_VOLUNTEERS = 4
    settings.WENMING_RESULTS_MIN_RATING = 5.5
    data = get(client, town_admin, reverse("reports:standards")).context["data"].as_dict()
    stations = {s["village"]: s for s in data["stations"]}
    assert stations["前进村"]["team"] is True
    assert stations["团结村"]["results"] is False


def test_five_standards_city_and_november(client, city_admin, october):
    data = (
        get(client, city_admin, reverse("reports:standards"), month="2026-11")
        .context["data"]
        .as_dict()
    )
    stations = {s["village"]: s for s in data["stations"]}
    # November: order B (no rating), no plans submitted for November.
    assert stations["团结村"]["lacks"] == ["plan", "results"]
    assert stations["龙泉社区"]["lacks"] == ["plan", "team", "practice", "results"]
    assert data["totals"]["all_five"] == 0


# --- Orders --------------------------------------------------------------------------------------


def test_order_kpis_for_october(client, city_admin, october):
    data = get(client, city_admin, reverse("reports:orders")).context["data"].as_dict()
    assert (data["from"], data["to"]) == ("2026-10", "2026-10")
    # Received A, B, C, D, F; accepted A (24 h), B (26 h), F (12 h): median 24 h; C was
    # accepted too but is cancelled, so no longer counts; completed A (277.5 h) and F (168.5 h):
    # median 223 h; B completed in November. Overdue: none (C is flagged, but was taken in 2 h
    # and is cancelled).
    assert data["totals"] == {
        "received": 5,
        "accepted": 3,
        "completed": 2,
        "rated": 1,
        "median_hours_to_accept": 24.0,
        "median_hours_to_complete": 223.0,
        "average_rating": 5.0,
        "overdue": 0,
    }
    towns = {r["name"]: r for r in data["by_town"]}
    assert (towns["洪绪镇"]["received"], towns["洪绪镇"]["completed"]) == (4, 1)
    assert towns["洪绪镇"]["median_hours_to_accept"] == 25.0  # 24, 26
    assert towns["龙泉街道"]["median_hours_to_complete"] == 168.5
    categories = {r["name"]: r for r in data["by_category"]}
    assert categories["法治"]["received"] == 2 and categories["文明宣讲"]["received"] == 3
    assert [r["received"] for r in data["by_platform"]] == [5]
    teams = {r["name"]: r for r in data["by_team"]}
    assert teams["团结村志愿服务队"]["accepted"] == 3
    assert teams[""]["received"] == 1  # D: rejected, never accepted, no team on its item


def test_order_kpis_over_a_range(client, town_admin, october):
    params = {"from": "2026-07", "to": "2026-11"}
    data = get(client, town_admin, reverse("reports:orders"), **params).context["data"].as_dict()
    assert data["totals"]["received"] == 5  # A, B, C, D, E (F is in 龙泉街道)
    assert data["totals"]["completed"] == 3  # A, B, E


# --- Volunteers ----------------------------------------------------------------------------------


def test_volunteers_for_october(client, city_admin, october):
    data = get(client, city_admin, reverse("reports:volunteers")).context["data"].as_dict()
    towns = {t["town"]: t for t in data["towns"]}
    # 洪绪镇: 5 + 4 active volunteers; hours: order A 2 h + event 3 h (the unconfirmed 1 h not).
    assert towns["洪绪镇"] == {
        "town_id": october["hongxu"].pk,
        "town": "洪绪镇",
        "active_volunteers": 9,
        "hours": 5.0,
        "services": 2,
        "points_earned": 0,  # the points tests: tests/reports/test_volunteer_points.py
        "points_redeemed": 0,
    }
    assert towns["龙泉街道"]["hours"] == 1.5
    assert data["totals"] == {
        "active_volunteers": 9,
        "hours": 6.5,
        "points_earned": 0,
        "points_redeemed": 0,
    }
    top = {t["team"]: t for t in data["top_teams"]}
    assert top["团结村志愿服务队"]["services"] == 2 and top["团结村志愿服务队"]["hours"] == 3.5


# --- Exports -------------------------------------------------------------------------------------


def test_gap_list_exports_to_excel_with_chinese_headers(client, town_admin, october):
    url = reverse("reports:export", args=["coverage", "gaps", "xlsx"])
    response = get(client, town_admin, url, month="2026-10")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="coverage-gaps-town')
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name == "服务覆盖_洪绪镇_未服务村（社区）_2026-10.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    # The town is in the file name; on a phone the months without and the verdict come first.
    assert rows[0] == ("村（社区）", "连续未服务月数", "五有缺项", "站长", "站长电话", "实践站")
    assert rows[1:] == [("红旗村", 3, "无实践站", None, None, None)]


def test_every_table_exports_to_csv(client, city_admin, october):
    client.force_login(city_admin)
    for report, url in [
        ("coverage", COVERAGE),
        ("standards", reverse("reports:standards")),
        ("orders", reverse("reports:orders")),
        ("volunteers", reverse("reports:volunteers")),
    ]:
        page = client.get(url)
        for table in page.context["tables"]:
            response = client.get(reverse("reports:export", args=[report, table.key, "csv"]))
            assert response.status_code == 200, (report, table.key)
            text = response.content.decode("utf-8-sig")
            parsed = list(csv.reader(io.StringIO(text)))
            assert parsed[0] == table.headers
            assert len(parsed) == len(table.rows) + 1
    assert (
        client.get(reverse("reports:export", args=["coverage", "nope", "csv"])).status_code == 404
    )
    assert (
        client.get(reverse("reports:export", args=["coverage", "gaps", "pdf"])).status_code == 404
    )


def test_cached_coverage_follows_new_services(client, town_admin, october, menu_item):
    """The coverage report is cached; a rollup refresh makes the next page current."""
    from tests.reports.factories import serve_hongqi_in_october

    assert [
        g["village"] for g in get(client, town_admin, COVERAGE).context["data"].as_dict()["gaps"]
    ] == ["红旗村"]
    serve_hongqi_in_october(october, menu_item)
    data = get(client, town_admin, COVERAGE).context["data"].as_dict()
    assert data["gaps"] == [] and data["totals"]["served"] == 3
    # Editing a station head's phone shows at once too.
    october["stations"]["qianjin"].head_phone = "13999999999"
    october["stations"]["qianjin"].save()
    data = get(client, town_admin, COVERAGE, month="2026-11").context["data"].as_dict()
    assert {g["village"]: g["head_phone"] for g in data["gaps"]}["前进村"] == "13999999999"


def test_export_file_name_carries_the_whole_title_and_the_range(client, city_admin, october):
    url = reverse("reports:export", args=["orders", "category", "csv"])
    response = get(client, city_admin, url, **{"from": "2026-07", "to": "2026-10"})
    name = unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])
    assert name == "点单统计_全市_点单情况·按服务类别_2026-07—2026-10.csv"
    assert 'filename="orders-category-city-2026-07-2026-10.csv"' in response["Content-Disposition"]


def test_town_gap_list_says_what_each_station_lacks_and_links_on(client, town_admin, october):
    """The 洪绪镇 story: last month's unserved villages, why each station falls short, and one
    click to the same town's five standards for the same month."""
    client.force_login(town_admin)
    body = client.get(COVERAGE, {"month": "2026-11"}).content.decode()
    gaps = body[body.index('id="t-gaps"') :]
    gaps = gaps[: gaps.index("</section>")]
    assert "前进村" in gaps and "有阵地、有计划、有队伍、有实践、有成效" in gaps
    assert "红旗村" in gaps and "无实践站" in gaps
    assert f"?month=2026-11&amp;village={october['qianjin'].pk}" in gaps  # drill down
    hongxu = october["hongxu"].pk
    assert f'href="{reverse("reports:standards")}?town={hongxu}&amp;month=2026-11"' in body
    assert f'href="{reverse("reports:orders")}?town={hongxu}&amp;from=2026-11&amp;to=2026-11"' in (
        body
    )


def test_cached_orders_report_follows_new_orders_and_renamed_teams(
    client, town_admin, october, menu_item
):
    from tests.reports.factories import at, make_order

    url = reverse("reports:orders")
    before = get(client, town_admin, url).context["data"].as_dict()
    make_order(
        village=october["hongqi"],
        menu_item=menu_item,
        status="accepted",
        created_at=at(2026, 10, 30),
        accepted_at=at(2026, 10, 30, 15),
        accepted_team=october["team"],
    )
    after = get(client, town_admin, url).context["data"].as_dict()
    assert after["totals"]["received"] == before["totals"]["received"] + 1
    assert after["totals"]["accepted"] == before["totals"]["accepted"] + 1
    october["team"].name = "团结村红马甲服务队"
    october["team"].save()
    teams = {r["name"] for r in get(client, town_admin, url).context["data"].as_dict()["by_team"]}
    assert "团结村红马甲服务队" in teams and "团结村志愿服务队" not in teams


def plan_a_november_lecture(town_admin, october) -> None:
    """前进村's station plans one lecture for November (a plan needs an event to be submitted)."""
    from events import services as event_services
    from tests.reports.factories import at

    event = event_services.event_create(
        user=town_admin,
        title="十一月宣讲",
        category=october["lecture"],
        start=at(2026, 11, 20, 9),
        end=at(2026, 11, 20, 11),
        organiser_position=october["stations"]["qianjin"],
    )
    event_services.event_plan(user=town_admin, event=event)


def test_cached_gap_list_follows_plans_and_volunteers(
    client, town_admin, superuser, october, django_capture_on_commit_callbacks
):
    """The gap list's verdicts read plans and volunteers: submitting a plan, enrolling a
    volunteer and the admin's bulk "not on the roll" action show at once on the cached page."""
    from events import plans
    from tests.reports.factories import submit_plan
    from volunteers.models import Volunteer

    def qianjin_lacks():
        data = get(client, town_admin, COVERAGE, month="2026-11").context["data"].as_dict()
        return {g["village"]: g["lacks"] for g in data["gaps"]}["前进村"]

    station = october["stations"]["qianjin"]
    with django_capture_on_commit_callbacks(execute=True):
        plan_a_november_lecture(town_admin, october)
        submit_plan(station, dt.date(2026, 11, 1), submitted=False)  # a draft: not yet in
    assert qianjin_lacks() == ["venue", "plan", "team", "practice", "results"]
    with django_capture_on_commit_callbacks(execute=True):
        plans.plan_submit(user=town_admin, position=station, month=dt.date(2026, 11, 1))
    assert qianjin_lacks() == ["venue", "team", "practice", "results"]

    fifth = f.VolunteerFactory(home_village=october["qianjin"])
    assert qianjin_lacks() == ["venue", "practice", "results"]

    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:volunteers_volunteer_changelist"),
            {"action": "mark_inactive", "_selected_action": [fifth.pk]},
        )
    assert response.status_code == 302
    assert not Volunteer.objects.get(pk=fifth.pk).is_active
    assert qianjin_lacks() == ["venue", "team", "practice", "results"]


def test_cached_five_standards_follow_plans_volunteers_and_the_rules(
    client, town_admin, october, settings, django_capture_on_commit_callbacks
):
    """The five standards page is cached whole like the gap list: a plan submitted, a volunteer
    enrolled and a changed threshold show at once."""
    from events import plans

    def qianjin():
        # What the official reads: the stations table of the page (the body kept as HTML).
        page = get(client, town_admin, reverse("reports:standards"), month="2026-11")
        row = {r["村（社区）"]: r for r in table_rows(page.content.decode(), "stations")}["前进村"]
        return {
            "plan": row["有计划"] == "✓",
            "team": row["有队伍"] == "✓",
            "volunteers": int(row["在册志愿者"]),
        }

    station = october["stations"]["qianjin"]
    before = qianjin()
    assert (before["plan"], before["team"]) == (False, False)
    assert qianjin() == before  # the repeat view, from the cache
    with django_capture_on_commit_callbacks(execute=True):
        plan_a_november_lecture(town_admin, october)
        plans.plan_submit(user=town_admin, position=station, month=dt.date(2026, 11, 1))
    assert qianjin()["plan"] is True
    f.VolunteerFactory(home_village=october["qianjin"])
    assert qianjin()["volunteers"] == before["volunteers"] + 1
    settings.WENMING_TEAM_MIN_VOLUNTEERS = before["volunteers"] + 1
    assert qianjin()["team"] is True


def test_a_long_table_shows_its_first_rows_and_says_the_export_has_all(settings):
    """A province's gap list runs to tens of thousands of villages: the page shows the first
    rows and says how many there are; the export (``export_table``) writes every one."""
    from django.utils import translation

    from reports.export import export_table
    from reports.render import render_table
    from reports.tables import Table

    table = Table(
        "gaps", "未服务村（社区）", ["村（社区）", "月数"], [[f"村{i}", i] for i in range(5)]
    )
    table.page_rows = 3
    html = render_table(table, export_base="/x/__TABLE__.__FMT__", query="")
    assert html.count('<th scope="row">') == 3 and "村2" in html and "村3" not in html
    assert "页面显示前 3 行，共 5 行；完整名单请导出。" in html
    with translation.override("en"):
        html = render_table(table, export_base="/x/__TABLE__.__FMT__", query="")
    assert "The page shows the first 3 of 5 rows" in html
    exported = export_table(table, "csv", "gaps").content.decode("utf-8-sig")
    assert exported.count("\n") == 6  # the header and all five rows
    table.page_rows = 5
    assert "完整名单" not in render_table(table, export_base="/x/__TABLE__.__FMT__", query="")
