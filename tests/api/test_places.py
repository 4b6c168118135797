"""/api/cities/, /api/towns/, /api/villages/, /api/positions/: public, filtered, paginated."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_places_are_public(api, tuanjie_station, other_village):
    for url in ["/api/cities/", "/api/towns/", "/api/villages/", "/api/positions/"]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert {"count", "next", "previous", "results"} <= set(response.json())


def test_villages_filter_by_town_and_search(api, tuanjie, neighbour_village, other_village):
    body = api.get("/api/villages/", {"town": tuanjie.town_id}).json()
    assert {v["name"] for v in body["results"]} == {"团结村", "前进村"}
    assert body["results"][0]["town"] == {"id": tuanjie.town_id, "name": "洪绪镇"}
    body = api.get("/api/villages/", {"search": "团结"}).json()
    assert [v["id"] for v in body["results"]] == [tuanjie.id]
    body = api.get("/api/villages/", {"kind": "community"}).json()
    assert [v["id"] for v in body["results"]] == [other_village.id]


def test_bad_filter_value_is_400_in_the_error_shape(api, tuanjie):
    response = api.get("/api/villages/", {"town": 0})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "town" in body["fields"]
    response = api.get("/api/villages/", {"town": "abc"})
    assert response.status_code == 400
    response = api.get("/api/towns/", {"kind": "metropolis"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]


def test_unknown_town_matches_nothing(api, tuanjie):
    response = api.get("/api/villages/", {"town": 999999})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_towns_ordering(api, hongxu, longquan):
    names = [t["name"] for t in api.get("/api/towns/", {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, reverse=True)
    # An unknown ordering field is ignored, not a 500.
    assert api.get("/api/towns/", {"ordering": "nope"}).status_code == 200


def test_detail_and_404(api, tuanjie):
    response = api.get(f"/api/villages/{tuanjie.id}/")
    assert response.status_code == 200
    assert response.json()["name"] == "团结村"
    assert api.get("/api/villages/999999/").status_code == 404
    response = api.get("/api/villages/abc/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_page_size_is_capped(api, hongxu):
    for i in range(5):
        f.VillageFactory(town=hongxu, name=f"村{i}")
    body = api.get("/api/villages/", {"page_size": 2}).json()
    assert body["count"] == 5 and len(body["results"]) == 2 and body["next"]
    body = api.get("/api/villages/", {"page_size": 100000}).json()
    assert len(body["results"]) == 5
    response = api.get("/api/villages/", {"page": 99})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_writes_are_refused(api, as_user, city_admin, tuanjie):
    assert api.post("/api/villages/", {"name": "x"}).status_code == 405
    client = as_user(city_admin)
    response = client.post("/api/villages/", {"name": "x", "town": tuanjie.town_id})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert client.delete(f"/api/villages/{tuanjie.id}/").status_code == 405


def test_station_head_phone_masked_outside_scope(
    api, as_user, tuanjie_station, station_head, other_town_admin, town_admin
):
    url = f"/api/positions/{tuanjie_station.id}/"
    assert api.get(url).json()["head_phone"] == "138****0001"
    assert as_user(other_town_admin).get(url).json()["head_phone"] == "138****0001"
    assert as_user(town_admin).get(url).json()["head_phone"] == "13800000001"
    assert as_user(station_head).get(url).json()["head_phone"] == "13800000001"


def test_positions_filter(api, tuanjie_station, hongxu):
    subcentre = f.SubcentreFactory(town=hongxu)
    body = api.get("/api/positions/", {"level": "subcentre"}).json()
    assert [p["id"] for p in body["results"]] == [subcentre.id]
    body = api.get("/api/positions/", {"village": tuanjie_station.village_id}).json()
    assert [p["id"] for p in body["results"]] == [tuanjie_station.id]


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/cities/", 2),
        ("/api/towns/", 2),
        ("/api/villages/", 2),
        ("/api/positions/", 2),
    ],
)
def test_list_query_counts_are_pinned(api, django_assert_num_queries, city, url, queries):
    for _ in range(4):
        town = f.TownFactory(city=city)
        for _ in range(5):
            f.StationFactory(village=f.VillageFactory(town=town))
    with django_assert_num_queries(queries):
        response = api.get(url, {"page_size": 200})
    assert response.status_code == 200
    assert response.json()["count"] >= 1
