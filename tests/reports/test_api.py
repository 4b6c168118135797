"""Report endpoints: the numbers of the pages, 400 for bad parameters, 404 outside scope."""

import json

import pytest
from django.urls import reverse


def api(client, user, name, **params):
    client.force_login(user)
    return client.get(reverse(f"reports-api:{name}"), params)


def same(page_data, api_json):
    """The page's dict and the API's JSON hold the same figures (JSON keys become strings)."""
    assert json.loads(json.dumps(page_data)) == api_json


@pytest.mark.parametrize(
    ("name", "page", "params"),
    [
        ("coverage", "reports:coverage", {"month": "2026-10"}),
        ("coverage", "reports:coverage", {"month": "2026-11"}),
        ("five-standards", "reports:standards", {"month": "2026-10"}),
        ("orders", "reports:orders", {"from": "2026-07", "to": "2026-10"}),
    ],
)
def test_api_matches_the_page(client, city_admin, october, name, page, params):
    response = api(client, city_admin, name, **params)
    assert response.status_code == 200
    client.force_login(city_admin)
    same(client.get(reverse(page), params).context["data"].as_dict(), response.json())


def test_api_for_one_town(client, town_admin, october):
    body = api(client, town_admin, "coverage", month="2026-10", town=october["hongxu"].pk).json()
    assert body["level"] == "town"
    assert body["totals"]["villages"] == 3 and body["totals"]["served"] == 2
    assert [g["village"] for g in body["gaps"]] == ["红旗村"]


def test_api_out_of_scope_is_404(client, other_town_admin, october):
    response = api(client, other_town_admin, "coverage", town=october["hongxu"].pk)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api(client, other_town_admin, "orders", village=october["tuanjie"].pk).status_code == 404


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("coverage", {"month": "2026-13"}, "month"),
        ("coverage", {"town": "abc"}, "town"),
        ("five-standards", {"month": "October"}, "month"),
        ("orders", {"from": "2026-10", "to": "2026-09"}, "from"),
        ("orders", {"from": "2026/10"}, "from"),
    ],
)
def test_api_bad_params_are_400_in_the_error_shape(
    client, city_admin, october, name, params, field
):
    response = api(client, city_admin, name, **params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == "invalid"
    assert field in body["fields"]


def test_api_needs_login(client, october):
    assert client.get(reverse("reports-api:coverage")).status_code == 401


def test_schema_documents_the_endpoints(client, city_admin):
    client.force_login(city_admin)
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    for path in ("/api/reports/coverage/", "/api/reports/five-standards/", "/api/reports/orders/"):
        assert path in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/reports/orders/"]["get"]["parameters"]}
    assert {"from", "to", "town"} <= params
