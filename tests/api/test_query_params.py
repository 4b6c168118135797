"""Query parameters: the API refuses what the schema forbids (a repeated single-valued
parameter, an empty value, a page size that is not a positive integer, an id below 1), in the
error shape, and accepts what it allows (an id that exists nowhere matches nothing)."""

import pytest

pytestmark = pytest.mark.django_db


def _refused(response, field):
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    return body


@pytest.mark.parametrize(
    "query",
    ["page_size=10&page_size=20", "page_size=null", "page_size=", "page_size=0", "page_size=1.5"],
)
def test_bad_page_size_is_refused(api, tuanjie, query):
    _refused(api.get(f"/api/villages/?{query}"), "page_size")


def test_page_size_above_the_cap_is_capped(api, tuanjie):
    response = api.get("/api/villages/?page_size=100000")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_repeated_page_search_and_ordering_are_refused(api, tuanjie):
    _refused(api.get("/api/villages/?page=1&page=1"), "page")
    _refused(api.get("/api/villages/?search=a&search=b"), "search")
    _refused(api.get("/api/villages/?ordering=id&ordering=name"), "ordering")


@pytest.mark.parametrize("query", ["town=", "town=1&town=2", "town=0", "town=x", "kind="])
def test_bad_filter_is_refused(api, tuanjie, query):
    _refused(api.get(f"/api/villages/?{query}"), query.split("=")[0])


def test_unknown_id_matches_nothing(api, tuanjie):
    for url in ("/api/villages/?town=999999", "/api/menu-items/?village=999999"):
        response = api.get(url)
        assert response.status_code == 200, url
        assert response.json()["count"] == 0, url


def test_known_id_still_filters(api, tuanjie, other_village):
    response = api.get(f"/api/villages/?town={tuanjie.town_id}")
    assert [v["id"] for v in response.json()["results"]] == [tuanjie.pk]


def test_repeated_multiple_choice_filter_is_accepted(as_user, city_admin):
    response = as_user(city_admin).get("/api/orders/?status=open&status=accepted")
    assert response.status_code == 200


def test_blank_boolean_filter_is_refused(as_user, city_admin):
    _refused(as_user(city_admin).get("/api/orders/?is_overdue="), "is_overdue")


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/reports/coverage/?month=", "month"),
        ("/api/reports/coverage/?month=2026-01&month=2026-02", "month"),
        ("/api/reports/five-standards/?town=", "town"),
        ("/api/reports/orders/?to=", "to"),
        ("/api/reports/orders/?from=", "from"),
    ],
)
def test_empty_or_repeated_report_parameter_is_refused(as_user, city_admin, url, field):
    _refused(as_user(city_admin).get(url), field)


def test_schema_states_minimum_one_on_ids_and_page_size():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/orders/"]["get"]["parameters"]}
    for name in ("town", "village", "category", "menu_item", "page", "page_size"):
        assert params[name]["type"] == "integer", name
        assert params[name]["minimum"] == 1, name


def test_filters_apply_beside_other_parameters_and_only_named_ones_are_read(
    api, tuanjie, other_village
):
    """core.filters.FilterBackend skips the filter set only when no filter is named: a filter
    given after paging or ordering still filters, a range's suffixed name is a filter's, and a
    bad one beside them is still refused."""
    everyone = api.get("/api/villages/?page=1&ordering=id").json()
    assert everyone["count"] == 2
    mine = api.get(f"/api/villages/?page=1&ordering=id&town={tuanjie.town_id}").json()
    assert [v["id"] for v in mine["results"]] == [tuanjie.pk]
    _refused(api.get("/api/villages/?ordering=id&town="), "town")


def test_a_date_range_filter_is_read_by_its_suffixed_names(as_user, city_admin):
    client = as_user(city_admin)
    _refused(client.get("/api/orders/?page=1&created_after=1999-12-31"), "created")
    assert client.get("/api/orders/?created_after=2026-01-01").status_code == 200
