"""Date filters on list endpoints take 2000-2100 like every other date input (issue 14, 4)."""

import pytest
from django.test import Client

FILTERS = [
    "/api/orders/?created_after={}",
    "/api/orders/?created_before={}",
    "/api/events/?date_from={}",
    "/api/events/?date_to={}",
    "/api/volunteers/?joined_after={}",
    "/api/volunteers/?joined_before={}",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", FILTERS)
@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"])
def test_a_date_filter_outside_2000_2100_is_400(as_user, city_admin, url, day):
    response = as_user(city_admin).get(url.format(day))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert "2000" in body["detail"] or "2000" in str(body["fields"])


@pytest.mark.django_db
@pytest.mark.parametrize("url", FILTERS)
@pytest.mark.parametrize("day", ["2000-01-01", "2026-11-30", "2100-12-31"])
def test_a_date_filter_inside_the_range_is_read(as_user, city_admin, url, day):
    assert as_user(city_admin).get(url.format(day)).status_code == 200


@pytest.mark.django_db
def test_the_schema_states_the_bound():
    schema = Client().get("/api/schema/?format=json").json()
    params = {
        (path, p["name"]): p["schema"]
        for path, ops in schema["paths"].items()
        for op in ops.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
    }
    for path, name in [
        ("/api/orders/", "created_after"),
        ("/api/orders/", "created_before"),
        ("/api/events/", "date_from"),
        ("/api/volunteers/", "joined_before"),
    ]:
        assert params[(path, name)]["pattern"] == r"^(20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
