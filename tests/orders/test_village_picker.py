"""The order form's first step (issue 16): choosing the village, with and without JavaScript."""

from stations.models import Village
from tests import factories as f

NEW = "/orders/new/"


def _select(body: str) -> str:
    """The village select and the status line under it: what the resident reads."""
    return body.split('id="id_village"')[1].split('id="picker-next"')[0]


def test_next_without_a_village_says_so(client, tuanjie, neighbour_village):
    response = client.get(NEW, {"town": tuanjie.town_id, "village": "", "step": "next"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "请先选择村（社区）" in body
    assert "团结村" in body and "前进村" in body  # the choice is still there


def test_next_without_anything_says_so(client, tuanjie):
    body = client.get(NEW, {"town": "", "q": "", "village": "", "step": "next"}).content.decode()
    assert "请先选择村（社区）" in body


def test_searching_alone_is_not_an_error(client, tuanjie, neighbour_village):
    body = client.get(NEW, {"q": "团结"}).content.decode()
    assert "请先选择村（社区）" not in body


def test_single_match_is_chosen(client, tuanjie, neighbour_village, menu_item):
    body = client.get(NEW, {"q": "团结"}).content.decode()
    assert f'<option value="{tuanjie.pk}" selected>' in body
    assert "请选择" not in _select(body)
    # "下一步" with the single match but nothing picked goes on to the form for it.
    response = client.get(NEW, {"q": "团结", "village": "", "step": "next"})
    assert response.status_code == 302 and response["Location"] == f"{NEW}?village={tuanjie.pk}"


def test_capped_result_says_it_is_capped(client, hongxu, django_assert_max_num_queries):
    Village.objects.bulk_create(
        Village(town=hongxu, name=f"新村{n:03d}", name_pinyin=f"xincun{n:03d} xc")
        for n in range(205)
    )
    with django_assert_max_num_queries(6):
        body = client.get(NEW, {"town": hongxu.pk}).content.decode()
    assert "只显示前 200 个，请输入更完整的村名缩小搜索" in _select(body)
    assert "共 200 个" not in body
    data = client.get("/orders/villages/", {"q": "新村"}).json()
    assert len(data["villages"]) == 200 and data["capped"] is True
    body = client.get(NEW, {"q": "新村00"}).content.decode()
    assert "共 10 个，请选择" in _select(body) and "只显示前" not in _select(body)


def test_pinyin_finds_the_village(client, hongxu, longquan, django_assert_num_queries):
    sunbu = f.VillageFactory(town=hongxu, name="孙埠村")
    f.VillageFactory(town=longquan, name="孙埠村")
    f.VillageFactory(town=hongxu, name="团结村")
    assert sunbu.name_pinyin == "sunbucun sbc"
    for query in ("sunbu", "Sun Bu", "sbc", "SUNBUCUN"):
        with django_assert_num_queries(1):
            data = client.get("/orders/villages/", {"q": query}).json()
        assert [(v["name"], v["town"]) for v in data["villages"]] == [
            ("孙埠村", "洪绪镇"),
            ("孙埠村", "龙泉街道"),
        ], query
    # No match across the full form and the initials ("cun" + "s").
    assert client.get("/orders/villages/", {"q": "cuns"}).json()["villages"] == []
    # A renamed village is found by its new name's pinyin.
    sunbu.name = "孙家村"
    sunbu.save(update_fields=["name"])
    sunbu.refresh_from_db()
    assert sunbu.name_pinyin == "sunjiacun sjc"
    body = client.get(NEW, {"q": "sunjia"}).content.decode()
    assert f'<option value="{sunbu.pk}" selected>' in body


def test_pinyin_search_in_the_english_ui(client, hongxu):
    sunbu = f.VillageFactory(town=hongxu, name="孙埠村")
    client.cookies["django_language"] = "en"
    response = client.get(NEW, {"q": "sunbu", "step": "next"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302 and response["Location"].endswith(f"?village={sunbu.pk}")
