"""The calendar and the reports show the categories' English names (``name_en``)."""

import datetime as dt

import pytest

from events.calendar import calendar_compile

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def english_category(lecture_category):
    lecture_category.name_en = "Civility lectures"
    lecture_category.save()
    return lecture_category


def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.usefixtures("november_20")
def test_calendar_and_coverage_report_in_english(
    client, english_category, station_head, tuanjie_station, city_admin, make_event
):
    make_event(state="published", category=english_category)
    calendar_compile(month=dt.date(2026, 12, 1))
    english(client)
    body = client.get("/calendar/2026-12/").content.decode()
    assert "Civility lectures" in body
    assert "Civility lectures" in client.get("/calendar/2026-12/print/").content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "Civility lectures" not in client.get("/calendar/2026-12/").content.decode()
    english(client).force_login(city_admin)
    body = client.get("/reports/", {"month": "2026-11"}).content.decode()
    assert "Civility lectures" in body
    assert "导出" not in body and "Export" in body  # every report's export links
