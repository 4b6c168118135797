"""core.months and core.dates: the whole string, ASCII digits, years 2000-2100; and every path
that takes a month (page URLs, the API's path and query parameters) answering a clear 404/400
for anything else, never a 500."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from core import dates, months
from core.errors import InvalidInput

BAD_MONTHS = [
    "2026-12\n",  # `$` would take it
    "2026-12 ",
    " 2026-12",
    "٢٠٢٦-١٢",  # Arabic-Indic digits: `\d` and int() would take them
    "２０２６-１２",  # full-width
    "2026-1２",
    "1999-12",
    "2101-01",
    "2026-13",
    "2026-00",
    "2026-1",
    "26-12",
    "2026/12",
    "2026-12-01",
    "",
]


@pytest.mark.parametrize(
    ("value", "month"),
    [
        ("2026-12", dt.date(2026, 12, 1)),
        ("2000-01", dt.date(2000, 1, 1)),
        ("2100-12", dt.date(2100, 12, 1)),
    ],
)
def test_parse_month(value, month):
    assert months.parse_month(value) == month
    assert months.parse_month_param(value) == month
    assert months.label(month) == value


@pytest.mark.parametrize("value", [*BAD_MONTHS, None, 202612, ["2026-12"]])  # non-strings too
def test_parse_month_refuses(value):
    assert months.parse_month(value) is None


def test_parse_month_param_blank_is_default_and_bad_is_400():
    default = dt.date(2026, 1, 1)
    assert months.parse_month_param(None, default=default) == default
    assert months.parse_month_param("", default=default) == default
    with pytest.raises(InvalidInput) as exc:
        months.parse_month_param("2026-12\n", field="from")
    assert exc.value.status_code == 400 and list(exc.value.fields) == ["from"]


def test_month_arithmetic_and_bounds():
    assert months.add_months(dt.date(2026, 12, 1), 1) == dt.date(2027, 1, 1)
    assert months.add_months(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 1)
    assert months.months_between(dt.date(2025, 11, 1), dt.date(2026, 2, 1)) == 3
    assert months.month_range(dt.date(2026, 11, 1), dt.date(2027, 1, 1)) == [
        dt.date(2026, 11, 1),
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
    ]
    start, end = months.bounds(dt.date(2026, 12, 1))
    assert start.isoformat() == "2026-12-01T00:00:00+08:00"
    assert end.isoformat() == "2027-01-01T00:00:00+08:00"
    # 23:30 on the 31st in Shanghai is 15:30 UTC: still December.
    late = dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC)
    assert months.month_of(late) == dt.date(2026, 12, 1)
    assert months.month_of(None) is None


@pytest.mark.parametrize(
    "value",
    [dt.date(2000, 1, 1), dt.date(2100, 12, 31), dt.datetime(2026, 5, 1, tzinfo=dt.UTC), None],
)
def test_bounded_dates_pass(value):
    dates.validate_bounded(value)


@pytest.mark.parametrize("value", [dt.date(1999, 12, 31), dt.date(2101, 1, 1), dt.date(9999, 1, 1)])
def test_bounded_dates_refused(value):
    assert not dates.in_range(value)
    with pytest.raises(ValidationError) as exc:
        dates.validate_bounded(value)
    assert exc.value.code == "date_out_of_range"
    assert "2000" in exc.value.messages[0] and "2100" in exc.value.messages[0]


# --- through the URL ---------------------------------------------------------------------------

URL_MONTHS = ["2026-12%0A", "2026-12%20", "%D9%A2%D9%A0%D9%A2%D9%A6-%D9%A1%D9%A2", "1999-12"]


@pytest.mark.django_db
@pytest.mark.parametrize("ym", URL_MONTHS)
@pytest.mark.parametrize(
    "path", ["/calendar/{}.ics", "/calendar/{}/", "/calendar/{}/print/", "/api/calendars/{}/"]
)
def test_calendar_urls_answer_404_for_a_bad_month(client, path, ym):
    """The pages answer Django's 404 page; ``/calendar/2026-12%0A.ics`` was a 200 before."""
    from events.calendar import calendar_compile

    calendar_compile(month=dt.date(2026, 12, 1))  # published: the good month is a 200
    assert client.get(path.format("2026-12")).status_code == 200
    response = client.get(path.format(ym))
    assert response.status_code == 404
    if not path.endswith("/"):  # the .ics says why in plain text, the API in its error shape
        assert "YYYY-MM" in response.content.decode()
    if path.startswith("/api/"):
        assert response.json() == {
            "detail": str(months.INVALID_MESSAGE),
            "code": "not_found",
            "fields": {},
        }


@pytest.mark.django_db
@pytest.mark.parametrize("ym", URL_MONTHS)
def test_plan_urls_answer_404_for_a_bad_month(client, station_head, as_user, ym):
    client.force_login(station_head)
    assert client.get(f"/plans/{ym}/").status_code == 404
    assert as_user(station_head).get(f"/api/plans/{ym}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2026-12\n", "٢٠٢٦-١٢", "2026-1２", "2026-12 ", "2101-01"])
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/reports/coverage/", "month"),
        ("/api/reports/five-standards/", "month"),
        ("/api/reports/orders/", "from"),
        ("/api/reports/orders/", "to"),
    ],
)
def test_report_api_month_params_answer_400(as_user, city_admin, path, param, value):
    response = as_user(city_admin).get(path, {param: value})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"][param] == [str(months.INVALID_MESSAGE)]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2026-12\n", "٢٠٢٦-١٢"])
@pytest.mark.parametrize("path", ["/reports/", "/reports/five-standards/", "/reports/orders/"])
def test_report_pages_answer_400(client, city_admin, path, value):
    client.force_login(city_admin)
    param = "to" if path.endswith("orders/") else "month"
    response = client.get(path, {param: value})
    assert response.status_code == 400
    assert "YYYY-MM" in response.content.decode()
