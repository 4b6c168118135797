"""/api/reports/…: login, the caller's area only (404 outside it), validated months, constant
query counts however many villages there are."""

import pytest
from django.core.cache import cache

from tests import factories as f

pytestmark = pytest.mark.django_db

URLS = ["/api/reports/coverage/", "/api/reports/five-standards/", "/api/reports/orders/"]


@pytest.mark.parametrize("url", URLS)
def test_login_required(api, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("url", URLS)
def test_a_login_without_an_area_gets_404(as_user, volunteer_user, volunteer, url):
    assert as_user(volunteer_user).get(url).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_town_admin_sees_own_town_and_not_another(
    as_user, town_admin, hongxu, longquan, tuanjie_station, url
):
    client = as_user(town_admin)
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response.json()["level"] in {"town", "village"}
    assert client.get(url, {"town": hongxu.id}).status_code == 200
    response = client.get(url, {"town": longquan.id})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.get(url, {"town": 999999}).status_code == 404


def test_station_head_lands_on_the_village(as_user, station_head, tuanjie, other_village):
    client = as_user(station_head)
    body = client.get("/api/reports/coverage/").json()
    assert body["village"]["id"] == tuanjie.id
    assert client.get("/api/reports/coverage/", {"village": other_village.id}).status_code == 404


def test_bad_months_are_400_in_both_languages(as_user, city_admin):
    client = as_user(city_admin)
    response = client.get("/api/reports/coverage/", {"month": "2026-13"})
    assert response.status_code == 400
    assert response.json()["fields"]["month"] == ["月份格式应为 YYYY-MM，例如 2026-12。"]
    response = client.get("/api/reports/orders/", {"from": "2026-10", "to": "2026-01"})
    assert response.status_code == 400
    assert "from" in response.json()["fields"]
    response = client.get("/api/reports/coverage/", {"town": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["detail"] == "Invalid input: please check the marked fields."


@pytest.mark.parametrize("url", URLS)
def test_report_query_counts_do_not_grow_with_villages(
    as_user, city_admin, city, url, django_assert_max_num_queries
):
    client = as_user(city_admin)
    town = f.TownFactory(city=city)
    for _ in range(3):
        f.StationFactory(village=f.VillageFactory(town=town))
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    for _ in range(3):
        town = f.TownFactory(city=city)
        for _ in range(6):
            f.StationFactory(village=f.VillageFactory(town=town))
    cache.clear()  # reports may be cached: measure a cold one again
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
