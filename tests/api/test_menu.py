"""/api/platforms/, /api/categories/, /api/menu-items/: the public menu and its reach."""

import pytest

from orders.models import MenuItem, TargetGroup
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(
    theory_platform, lecture_category, hongxu, longquan, tuanjie, neighbour_village, other_village
):
    """One item of each reach, plus one taken off the menu."""
    citywide = f.MenuItemFactory(
        title="全市宣讲", platform=theory_platform, category=lecture_category
    )
    hongxu_only = f.MenuItemFactory(title="洪绪镇法治讲座", reach=MenuItem.Reach.TOWNS)
    hongxu_only.towns.set([hongxu])
    tuanjie_only = f.MenuItemFactory(
        title="团结村送戏", reach=MenuItem.Reach.VILLAGES, target_group=TargetGroup.ELDERLY_ALONE
    )
    tuanjie_only.villages.set([tuanjie, other_village])
    longquan_only = f.MenuItemFactory(title="龙泉健身", reach=MenuItem.Reach.TOWNS)
    longquan_only.towns.set([longquan])
    f.MenuItemFactory(title="已下架", is_active=False)
    return {
        "citywide": citywide,
        "hongxu": hongxu_only,
        "tuanjie": tuanjie_only,
        "longquan": longquan_only,
    }


def titles(response):
    assert response.status_code == 200, response.content
    return {item["title"] for item in response.json()["results"]}


def test_menu_is_public_and_lists_only_active_items(api, menu):
    assert titles(api.get("/api/menu-items/")) == {
        "全市宣讲",
        "洪绪镇法治讲座",
        "团结村送戏",
        "龙泉健身",
    }


def test_menu_offered_in_a_village_honours_reach(
    api, menu, tuanjie, neighbour_village, other_village
):
    assert titles(api.get("/api/menu-items/", {"village": tuanjie.id})) == {
        "全市宣讲",
        "洪绪镇法治讲座",
        "团结村送戏",
    }
    assert titles(api.get("/api/menu-items/", {"village": neighbour_village.id})) == {
        "全市宣讲",
        "洪绪镇法治讲座",
    }
    assert titles(api.get("/api/menu-items/", {"village": other_village.id})) == {
        "全市宣讲",
        "团结村送戏",
        "龙泉健身",
    }


def test_menu_item_reaching_several_places_is_listed_once(api, menu, tuanjie, hongxu):
    menu["tuanjie"].towns.set([hongxu])  # stray towns on a villages-reach item are ignored
    body = api.get("/api/menu-items/", {"village": tuanjie.id}).json()
    ids = [item["id"] for item in body["results"]]
    assert len(ids) == len(set(ids)) == body["count"] == 3


def test_menu_offered_in_a_town(api, menu, hongxu, longquan):
    assert titles(api.get("/api/menu-items/", {"town": hongxu.id})) == {
        "全市宣讲",
        "洪绪镇法治讲座",
        "团结村送戏",
    }
    assert titles(api.get("/api/menu-items/", {"town": longquan.id})) == {
        "全市宣讲",
        "团结村送戏",
        "龙泉健身",
    }


def test_menu_filters(api, menu, theory_platform, lecture_category):
    assert titles(api.get("/api/menu-items/", {"platform": theory_platform.id})) == {"全市宣讲"}
    assert titles(api.get("/api/menu-items/", {"category": lecture_category.id})) == {"全市宣讲"}
    assert titles(api.get("/api/menu-items/", {"target_group": "elderly_alone"})) == {"团结村送戏"}
    assert titles(api.get("/api/menu-items/", {"targeted": "true"})) == {"团结村送戏"}
    assert "团结村送戏" not in titles(api.get("/api/menu-items/", {"targeted": "false"}))
    assert titles(api.get("/api/menu-items/", {"search": "法治"})) == {"洪绪镇法治讲座"}


def test_menu_unknown_place_matches_nothing(api, menu):
    # The schema says "an integer from 1"; it cannot know which ids exist, so no 400.
    for params in [{"village": 999999}, {"town": 999999}]:
        response = api.get("/api/menu-items/", params)
        assert response.status_code == 200, params
        assert response.json()["count"] == 0, params


def test_menu_bad_filters_are_400(api, menu):
    for params in [
        {"village": 0},
        {"village": "x"},
        {"target_group": "aliens"},
    ]:
        response = api.get("/api/menu-items/", params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "invalid"


def test_menu_item_detail(api, menu, tuanjie, other_village):
    item = menu["tuanjie"]
    body = api.get(f"/api/menu-items/{item.id}/").json()
    assert body["reach"] == "villages"
    assert sorted(body["villages"]) == sorted([tuanjie.id, other_village.id])
    assert body["target_group_label"] == "独居老人"
    assert body["category"]["code"]
    inactive = MenuItem.objects.get(title="已下架")
    assert api.get(f"/api/menu-items/{inactive.id}/").status_code == 404


def test_platforms_and_categories(api, theory_platform, lecture_category):
    body = api.get("/api/platforms/").json()
    assert [p["name"] for p in body["results"]] == ["理论宣讲"]
    body = api.get("/api/categories/").json()
    assert body["results"][0]["code"] == "lecture"


def test_menu_query_count_is_pinned(api, django_assert_num_queries, hongxu, tuanjie):
    for i in range(30):
        item = f.MenuItemFactory(
            reach=[MenuItem.Reach.CITYWIDE, MenuItem.Reach.TOWNS, MenuItem.Reach.VILLAGES][i % 3],
            team=f.TeamFactory(village=tuanjie),
        )
        item.towns.set([hongxu])
        item.villages.set([tuanjie])
    # count, page, towns, villages; + the village lookup when filtering.
    with django_assert_num_queries(4):
        assert api.get("/api/menu-items/", {"page_size": 200}).json()["count"] == 30
    with django_assert_num_queries(5):
        assert api.get("/api/menu-items/", {"village": tuanjie.id}).json()["count"] == 30


@pytest.mark.parametrize("url", ["/api/platforms/", "/api/categories/"])
def test_catalogue_query_counts_are_pinned(api, django_assert_num_queries, url):
    for _ in range(20):
        f.PlatformFactory()
        f.ServiceCategoryFactory()
    with django_assert_num_queries(2):
        assert api.get(url).json()["count"] == 20


# --- stored answers (issue 19): a repeat costs no query, unchanged is a 304, changes show at once


def test_repeat_is_stored_and_unchanged_is_304(
    api,
    menu,
    tuanjie,
    django_assert_num_queries,
):
    url = f"/api/menu-items/?village={tuanjie.pk}"
    first = api.get(url)
    assert first.status_code == 200 and first["ETag"]
    with django_assert_num_queries(0):
        again = api.get(url)
    assert again.content == first.content
    with django_assert_num_queries(0):
        unchanged = api.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and unchanged.content == b""


def test_changes_in_the_admin_show_at_once(
    api,
    menu,
    tuanjie,
    neighbour_village,
    other_village,
):
    url = f"/api/menu-items/?village={tuanjie.pk}"
    etag = api.get(url)["ETag"]
    menu["citywide"].title = "全市理论宣讲"
    menu["citywide"].save()
    assert "全市理论宣讲" in titles(api.get(url, HTTP_IF_NONE_MATCH=etag))

    # Reach: the village is taken off an item's list (an m2m change, no save of the item).
    menu["tuanjie"].villages.remove(tuanjie)
    assert "团结村送戏" not in titles(api.get(url))

    # A category renamed: the items show its name.
    category = menu["citywide"].category
    category.name = "新时代宣讲"
    category.save()
    body = api.get(url).json()
    assert {r["category"]["name"] for r in body["results"] if r["id"] == menu["citywide"].pk} == {
        "新时代宣讲"
    }

    # A village moved to another town gets that town's items.
    neighbour_village.town = other_village.town
    neighbour_village.save()
    assert "龙泉健身" in titles(api.get(f"/api/menu-items/?village={neighbour_village.pk}"))


def test_bad_filters_are_answered_not_stored(api, menu):
    assert api.get("/api/menu-items/?village=x").status_code == 400
    assert api.get("/api/menu-items/?village=x").status_code == 400


def test_answers_follow_the_language(api, menu, tuanjie):
    url = f"/api/menu-items/?village={tuanjie.pk}"
    zh = api.get(url).json()["results"][0]["reach_label"]
    en = api.get(url, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]["reach_label"]
    assert zh != en


def test_a_new_item_appears(api, menu, tuanjie, theory_platform, lecture_category):
    url = f"/api/menu-items/?village={tuanjie.pk}"
    api.get(url)
    f.MenuItemFactory(title="新上架", platform=theory_platform, category=lecture_category)
    assert "新上架" in titles(api.get(url))
