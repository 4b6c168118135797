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


def test_coverage_json_is_kept_until_what_it_shows_changes(client, town_admin, october, menu_item):
    """The coverage answer is kept as bytes under the report tokens: a repeat is the same
    bytes with an ETag (304 when sent back); a service in the town and an edited station
    phone show on the next request."""
    from tests.reports.factories import serve_hongqi_in_october

    first = api(client, town_admin, "coverage", month="2026-10")
    assert first.status_code == 200 and first["Content-Type"] == "application/json"
    assert first.json()["gaps_total"] == 1 and first["Cache-Control"] == "private, no-cache"
    again = api(client, town_admin, "coverage", month="2026-10")
    assert again.content == first.content and again["ETag"] == first["ETag"]
    unchanged = client.get(
        reverse("reports-api:coverage"), {"month": "2026-10"}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert unchanged.status_code == 304

    serve_hongqi_in_october(october, menu_item)
    after = client.get(
        reverse("reports-api:coverage"), {"month": "2026-10"}, HTTP_IF_NONE_MATCH=first["ETag"]
    )
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    body = after.json()
    assert body["gaps"] == [] and body["gaps_total"] == 0 and body["totals"]["served"] == 3

    october["stations"]["qianjin"].head_phone = "13999999999"
    october["stations"]["qianjin"].save()
    gaps = api(client, town_admin, "coverage", month="2026-11").json()["gaps"]
    assert {g["village"]: g["head_phone"] for g in gaps}["前进村"] == "13999999999"


def test_browsable_coverage_is_rendered_as_before(client, city_admin, october):
    client.force_login(city_admin)
    response = client.get(
        reverse("reports-api:coverage"), {"month": "2026-10"}, HTTP_ACCEPT="text/html"
    )
    assert response.status_code == 200 and "ETag" not in response
