"""The station head's 派单 picker (issue 16): searchable, grouped by village team, each volunteer
with their skills and how many orders they have in hand, in a fixed number of queries."""

import re

from orders.models import Order, VolunteerSkill
from tests import factories as f
from tests.orders.factories import order_in_state

S = Order.Status


def _options(body: str) -> list[tuple[str, list[str]]]:
    """The picker as the station head reads it: (group label, option texts) per group."""
    select = body.split('<select name="volunteer" id="id_volunteer">')[1].split("</select>")[0]
    return [
        (label, re.findall(r'<option value="\d+">([^<]*)</option>', options))
        for label, options in re.findall(
            r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S
        )
    ]


def test_grouped_by_village_with_skills_and_load(
    client, station_head, open_order, volunteer, neighbour_village, menu_item, lecture_category
):
    far = f.VolunteerFactory(name="李华", home_village=neighbour_village)
    VolunteerSkill.objects.create(
        volunteer=far, category=f.ServiceCategoryFactory(name="法治", code="law")
    )
    f.VolunteerFactory(name="王芳", home_village=open_order.village)
    for _ in range(2):
        order_in_state(
            S.ACCEPTED, village=open_order.village, menu_item=menu_item, volunteer=volunteer
        )
    client.force_login(station_head)
    body = client.get(f"/station/orders/{open_order.pk}/").content.decode()
    assert _options(body) == [
        ("团结村（本村）", ["张明 · 文明宣讲 · 进行中 2 单", "王芳 · 未填技能 · 进行中 0 单"]),
        ("前进村", ["李华 · 法治 · 进行中 0 单"]),
    ]
    assert "3 名可派，请选择" in body


def test_search_by_name_skill_or_village(
    client, station_head, open_order, volunteer, neighbour_village
):
    f.VolunteerFactory(name="李华", home_village=neighbour_village)
    client.force_login(station_head)
    url = f"/station/orders/{open_order.pk}/"
    names = lambda q: [  # noqa: E731
        text.split(" · ")[0]
        for _label, texts in _options(client.get(url, {"vq": q}).content.decode())
        for text in texts
    ]
    assert names("李") == ["李华"]
    assert names("宣讲") == ["张明"]  # a skill
    assert names("前进") == ["李华"]  # a village
    assert names("没有这个人") == []
    assert "没有找到志愿者" in client.get(url, {"vq": "没有这个人"}).content.decode()


def test_assigning_from_the_picker(client, station_head, open_order, volunteer):
    client.force_login(station_head)
    response = client.post(
        f"/station/orders/{open_order.pk}/assign/", {"volunteer": volunteer.pk}, follow=True
    )
    assert "已派单" in response.content.decode()
    open_order.refresh_from_db()
    assert open_order.status == S.ACCEPTED and open_order.accepted_by == volunteer


def test_query_count_does_not_grow_with_volunteers(
    client, station_head, open_order, neighbour_village, lecture_category, django_assert_num_queries
):
    client.force_login(station_head)
    url = f"/station/orders/{open_order.pk}/"
    client.get(url)
    for n in range(30):
        v = f.VolunteerFactory(home_village=neighbour_village if n % 2 else open_order.village)
        VolunteerSkill.objects.create(volunteer=v, category=lecture_category)
    # session, user, scope roles and volunteer link (read again: volunteers joined), order,
    # timeline, the picker's volunteers, skills, teams; the unread count is kept.
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.context["assign_count"] == 30
