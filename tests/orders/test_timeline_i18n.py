"""The timeline reads in the reader's language, whoever wrote it and in whatever language.

Orders are made with Chinese active (the default), then read in English and in Chinese: who
acted and what the system noted follow the reader; what people typed stays as typed.
"""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.utils import translation
from rest_framework.test import APIClient

from orders import services
from orders.models import Order, OrderStatusChange
from tests.orders.factories import submit_order

S = Order.Status
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
Actor = OrderStatusChange.ActorKind
Note = OrderStatusChange.NoteKind

TIMELINE_EN = [
    "Awaiting review · Resident",
    "Open · System This station does not review orders, so the order is open for claiming at once.",
    "Accepted · Station head Assigned to 团结村志愿服务队",
    "Completed · 明 宣讲顺利完成",
    "Rated · Resident 2 stars: 来晚了",
]
TIMELINE_ZH = [
    "待审核 · 居民",
    "待接单 · 系统 本站未开启审核，自动开放接单。",
    "已接单 · 站长 派单给 团结村志愿服务队",
    "已完成 · 明 宣讲顺利完成",
    "已评价 · 居民 2 星：来晚了",
]


def timeline_items(body: str) -> list[str]:
    """Each ``<li>`` of the page's timeline as text, without its time and tags."""
    block = re.search(r'<ol class="timeline">(.*?)</ol>', body, re.DOTALL)
    assert block, "no timeline on the page"
    items = []
    for li in re.findall(r"<li>(.*?)</li>", block.group(1), re.DOTALL):
        li = re.sub(r"<time[^>]*>.*?</time>", "", li, flags=re.DOTALL)
        items.append(" ".join(re.sub(r"<[^>]+>", " ", li).split()))
    return items


@pytest.fixture
def rated_order(tuanjie_station, tuanjie, menu_item, volunteer, station_head):
    """Auto-opened (the station does not review), assigned to a team by the station head,
    reported by a member, rated two stars: every kind of timeline text, all written in Chinese."""
    tuanjie_station.review_orders = False
    tuanjie_station.save(update_fields=["review_orders"])
    team = volunteer.memberships.get().team
    order = submit_order(tuanjie, menu_item)
    services.order_assign(order_id=order.pk, actor=station_head, team_id=team.pk)
    services.order_complete(
        order_id=order.pk, actor=volunteer.user, hours=Decimal("2"), note="宣讲顺利完成"
    )
    return services.order_rate(tracking_token=order.tracking_token, stars=2, comment="来晚了")


def test_rows_store_codes_and_data(rated_order, volunteer):
    team = volunteer.memberships.get().team
    rows = list(
        rated_order.status_changes.values_list(
            "actor_kind", "actor_label", "note_kind", "note_data"
        )
    )
    assert rows == [
        (Actor.RESIDENT, "居民", "", {}),
        (Actor.SYSTEM, "系统", Note.AUTO_OPENED, {}),
        (Actor.STATION_HEAD, "站长", Note.ASSIGNED, {"who": team.name, "team_id": team.pk}),
        (Actor.VOLUNTEER, "明", "", {}),
        (Actor.RESIDENT, "居民", Note.RATED, {"stars": 2, "comment": "来晚了"}),
    ]
    # The text columns keep the source-language wording, as before the codes.
    notes = list(rated_order.status_changes.values_list("note", flat=True))
    assert notes == [
        "",
        "本站未开启审核，自动开放接单。",
        f"派单给 {team.name}",
        "宣讲顺利完成",
        "2 星：来晚了",
    ]


def test_rows_written_with_english_active_are_stored_alike(rated_order, volunteer, station_head):
    """A change made with English active is stored the same way as one made in Chinese."""
    with translation.override("en"):
        order = submit_order(rated_order.village, rated_order.menu_item)
        services.order_cancel(order_id=order.pk, actor=station_head, reason="Duplicate")
    rows = list(order.status_changes.values_list("actor_kind", "actor_label", "note"))
    assert rows == [
        (Actor.RESIDENT, "居民", ""),
        (Actor.SYSTEM, "系统", "本站未开启审核，自动开放接单。"),
        (Actor.STATION_HEAD, "站长", "Duplicate"),
    ]


def test_tracking_page_in_english_and_chinese(client, rated_order):
    url = f"/orders/t/{rated_order.tracking_token}/"
    assert timeline_items(client.get(url, **EN).content.decode()) == TIMELINE_EN
    assert timeline_items(client.get(url, **ZH).content.decode()) == TIMELINE_ZH


def test_station_order_detail_in_english_and_chinese(client, rated_order, station_head):
    client.force_login(station_head)
    url = f"/station/orders/{rated_order.pk}/"
    assert timeline_items(client.get(url, **EN).content.decode()) == TIMELINE_EN
    assert timeline_items(client.get(url, **ZH).content.decode()) == TIMELINE_ZH


def test_station_order_detail_shows_people_text_as_typed(
    client, tuanjie_station, tuanjie, menu_item, volunteer, town_admin
):
    order = services.order_approve(order_id=submit_order(tuanjie, menu_item).pk, actor=town_admin)
    services.order_claim(order_id=order.pk, actor=volunteer.user)
    services.order_release(order_id=order.pk, actor=volunteer.user, reason="临时有事")
    services.order_cancel(order_id=order.pk, actor=town_admin, reason="群众联系不上")
    client.force_login(town_admin)
    items = timeline_items(client.get(f"/station/orders/{order.pk}/", **EN).content.decode())
    assert items == [
        "Awaiting review · Resident",
        "Open · Town administrator",
        "Accepted · 明",
        "Open · 明 临时有事",
        "Cancelled · Town administrator 群众联系不上",
    ]


def test_tracking_api_follows_the_request_language(rated_order):
    url = f"/api/orders/track/{rated_order.tracking_token}/"
    api = APIClient()

    def entries(headers):
        response = api.get(url, **headers)
        assert response.status_code == 200
        return [(t["actor"], t["actor_kind"], t["note"]) for t in response.json()["timeline"]]

    assert entries(EN) == [
        ("Resident", "resident", ""),
        (
            "System",
            "system",
            "This station does not review orders, so the order is open for claiming at once.",
        ),
        ("Station head", "station_head", "Assigned to 团结村志愿服务队"),
        ("明", "volunteer", "宣讲顺利完成"),
        ("Resident", "resident", "2 stars: 来晚了"),
    ]
    assert entries(ZH) == [
        ("居民", "resident", ""),
        ("系统", "system", "本站未开启审核，自动开放接单。"),
        ("站长", "station_head", "派单给 团结村志愿服务队"),
        ("明", "volunteer", "宣讲顺利完成"),
        ("居民", "resident", "2 星：来晚了"),
    ]


def test_one_star_without_comment_in_english(tuanjie_station, tuanjie, menu_item, volunteer):
    order = submit_order(tuanjie, menu_item)
    services.order_approve(order_id=order.pk, actor=_root())
    services.order_claim(order_id=order.pk, actor=volunteer.user)
    services.order_complete(order_id=order.pk, actor=volunteer.user, hours="1", note="好")
    services.order_rate(tracking_token=order.tracking_token, stars=1)
    last = order.status_changes.last()
    with translation.override("en"):
        assert last.note_display == "1 star"
    assert last.note_display == "1 星"
    approved = order.status_changes.get(to_status=S.OPEN)
    assert approved.actor_kind == Actor.CITY_ADMIN


def _root():
    from tests import factories as f

    return f.UserFactory(username="tl-root", is_staff=True, is_superuser=True)


# --- the data migration ---------------------------------------------------------------------


def _forward():
    return importlib.import_module("orders.migrations.0004_timeline_codes_from_text").forward


def test_migration_maps_rows_written_the_old_way(tuanjie_station, tuanjie, menu_item):
    order = submit_order(tuanjie, menu_item)
    order.status_changes.all().delete()
    old = [
        # (to_status, actor_label, note) as the code used to write them, Chinese and English
        ("submitted", "居民", ""),
        ("open", "系统", "本站未开启审核，自动开放接单。"),
        (
            "open",
            "System",
            "This station does not review orders, so the order is open for claiming at once.",
        ),
        ("open", "站长", ""),
        ("open", "Town administrator", ""),
        ("accepted", "市级管理员", "派单给 团结村志愿服务队"),
        ("accepted", "Administrator", "Assigned to Zhang Ming"),
        ("accepted", "明", ""),
        ("completed", "明", "宣讲顺利完成"),
        ("open", "明", "临时有事"),
        ("rated", "居民", "4 星：很好"),
        ("rated", "Resident", "5 stars: Great: really"),
        ("rated", "Resident", "1 star"),
        ("rated", "Resident", "3 stars：ok"),  # before the plural forms: a full-width colon
        ("rated", "居民", "5 星"),
        ("cancelled", "Station head", "不需要了"),
        ("rejected", "镇街管理员", "重复申请"),
        # Nothing the code wrote: left alone.
        ("submitted", "某人", "手工补录"),
        ("rated", "居民", "很满意"),
    ]
    rows = [
        OrderStatusChange.objects.create(order=order, to_status=to, actor_label=label, note=note)
        for to, label, note in old
    ]

    _forward()(django_apps, None)

    got = [
        (c.actor_kind, c.note_kind, c.note_data)
        for c in OrderStatusChange.objects.filter(pk__in=[r.pk for r in rows]).order_by("id")
    ]
    assert got == [
        ("resident", "", {}),
        ("system", "auto_opened", {}),
        ("system", "auto_opened", {}),
        ("station_head", "", {}),
        ("town_admin", "", {}),
        ("city_admin", "assigned", {"who": "团结村志愿服务队"}),
        ("admin", "assigned", {"who": "Zhang Ming"}),
        ("volunteer", "", {}),
        ("volunteer", "", {}),
        ("volunteer", "", {}),
        ("resident", "rated", {"stars": 4, "comment": "很好"}),
        ("resident", "rated", {"stars": 5, "comment": "Great: really"}),
        ("resident", "rated", {"stars": 1, "comment": ""}),
        ("resident", "rated", {"stars": 3, "comment": "ok"}),
        ("resident", "rated", {"stars": 5, "comment": ""}),
        ("station_head", "", {}),
        ("town_admin", "", {}),
        ("", "", {}),
        ("resident", "", {}),
    ]
    # The stored text is untouched, so reversing the migration (noop) loses nothing.
    assert [
        (c.actor_label, c.note)
        for c in OrderStatusChange.objects.filter(pk__in=[r.pk for r in rows]).order_by("id")
    ] == [(label, note) for _, label, note in old]

    # Rows written in English now read in Chinese, and the other way round.
    by_note = {c.note: c for c in OrderStatusChange.objects.filter(order=order)}
    assigned = by_note["Assigned to Zhang Ming"]
    assert (assigned.actor_display, assigned.note_display) == ("管理员", "派单给 Zhang Ming")
    with translation.override("en"):
        rated = by_note["4 星：很好"]
        assert (rated.actor_display, rated.note_display) == ("Resident", "4 stars: 很好")
        unknown = by_note["手工补录"]
        assert (unknown.actor_display, unknown.note_display) == ("某人", "手工补录")

    # Running it again changes nothing.
    _forward()(django_apps, None)
    again = [
        (c.actor_kind, c.note_kind, c.note_data)
        for c in OrderStatusChange.objects.filter(pk__in=[r.pk for r in rows]).order_by("id")
    ]
    assert again == got


def test_residents_see_an_assigned_volunteer_by_given_name_only(
    client, tuanjie, menu_item, volunteer, station_head
):
    """Assigned to a volunteer: staff read the full name, the resident's tracking page and API
    only the given name (as the "accepted by" line everywhere residents look)."""
    order = submit_order(tuanjie, menu_item)
    if order.status == S.SUBMITTED:
        services.order_approve(order_id=order.pk, actor=station_head)
    services.order_assign(order_id=order.pk, actor=station_head, volunteer_id=volunteer.pk)
    full, given = volunteer.name, volunteer.given_name
    assert full != given
    page = client.get(f"/orders/t/{order.tracking_token}/", **ZH).content.decode()
    assert f"派单给 {given}" in timeline_items(page)[-1] and full not in page
    api = APIClient().get(f"/api/orders/track/{order.tracking_token}/", **EN).json()
    assert api["timeline"][-1]["note"] == f"Assigned to {given}"
    client.force_login(station_head)
    staff = client.get(f"/station/orders/{order.pk}/", **ZH).content.decode()
    assert timeline_items(staff)[-1].endswith(f"派单给 {full}")
    # A row written before the given name was stored drops the surname the same way.
    change = order.status_changes.get(note_kind=Note.ASSIGNED)
    change.note_data = {"who": full, "volunteer_id": volunteer.pk}
    assert change.public_note_display == f"派单给 {given}"
