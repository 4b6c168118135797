"""The order pages, through the URL: each happy path and each rejection."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from orders import services
from orders.models import Order
from tests import factories as f
from tests.orders.factories import order_in_state, submit_order

S = Order.Status
NEW = "/orders/new/"


@pytest.fixture
def form_data(tuanjie, menu_item, resident):
    return {
        "village": tuanjie.pk,
        "menu_item": menu_item.pk,
        "people": 12,
        "description": "讲讲新农合政策",
        "preferred_window": "周六上午",
        **resident,
    }


# --- the public form ------------------------------------------------------------------------


def test_picker_lists_towns_then_villages_without_js(
    client, tuanjie, neighbour_village, other_village
):
    body = client.get(NEW).content.decode()
    assert "洪绪镇" in body and "龙泉街道" in body
    assert "团结村" not in body  # no 1,224-item dropdown up front
    body = client.get(NEW, {"town": tuanjie.town_id}).content.decode()
    assert "团结村" in body and "前进村" in body and "龙泉社区" not in body
    body = client.get(NEW, {"q": "团结"}).content.decode()
    assert "团结村" in body and "前进村" not in body


def test_village_options_json(client, tuanjie, other_village):
    data = client.get("/orders/villages/", {"q": "龙泉"}).json()
    assert data == {
        "villages": [
            {
                "id": other_village.pk,
                "name": "龙泉社区",
                "town": "龙泉街道",
                "town_id": other_village.town_id,
            }
        ],
        "capped": False,
    }
    assert client.get("/orders/villages/").json() == {"villages": [], "capped": False}
    assert client.post("/orders/villages/").status_code == 405


def test_village_preselected_shows_menu_grouped_by_category(client, tuanjie, menu_item):
    response = client.get(NEW, {"village": tuanjie.pk})
    body = response.content.decode()
    assert response.status_code == 200
    assert '<optgroup label="文明宣讲">' in body and "党的理论政策宣讲" in body
    assert f'name="village" value="{tuanjie.pk}"' in body


def test_resident_orders_and_is_sent_to_tracking_page(client, tuanjie_station, form_data):
    response = client.post(NEW, form_data)
    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/orders/t/{order.tracking_token}/"
    assert order.status == S.SUBMITTED and order.people == 12 and order.phone == "13812341234"
    page = client.get(response["Location"])
    body = page.content.decode()
    assert order.number in body and "点单已提交" in body
    assert "138****1234" in body and "13812341234" not in body
    assert page["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "12345"}, "请输入11位中国大陆手机号"),
        ({"name": ""}, "该字段是必填项"),
        ({"people": "0"}, "1"),
        ({"menu_item": "999999"}, "选择一个有效的选项"),
        ({"preferred_date": "2000-01-01"}, "期望日期不能早于今天"),
    ],
)
def test_bad_input_shows_field_error(client, form_data, change, message):
    response = client.post(NEW, {**form_data, **change})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Order.objects.exists()


def test_menu_item_not_offered_in_village(client, form_data, menu_item, other_village):
    menu_item.reach = "villages"
    menu_item.save()
    menu_item.villages.add(other_village)
    response = client.post(NEW, form_data)
    assert response.status_code == 200
    assert not Order.objects.exists()


def test_post_without_village_goes_back_to_picker(client, form_data):
    response = client.post(NEW, {**form_data, "village": ""})
    assert response.status_code == 200 and "请先选择村" in response.content.decode()
    assert not Order.objects.exists()


def test_new_rejects_other_methods(client):
    assert client.put(NEW).status_code == 405
    assert client.delete(NEW).status_code == 405


@pytest.fixture
def mid_window():
    """The limits use fixed hourly windows: keep the clock inside one so no test straddles it."""
    import datetime as dt

    import time_machine

    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC), tick=False):
        yield


@pytest.mark.usefixtures("mid_window")
def test_flood_from_one_ip_is_limited(client, settings, form_data):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"order_submit_ip": "3/hour", "order_submit_phone": "100/hour"},
    }
    for i in range(3):
        assert client.post(NEW, {**form_data, "phone": f"1391234000{i}"}).status_code == 302
    response = client.post(NEW, {**form_data, "phone": "13912340009"})
    assert response.status_code == 429
    assert "提交太频繁了" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Order.objects.count() == 3


@pytest.mark.usefixtures("mid_window")
def test_flood_from_one_phone_is_limited(client, settings, form_data, menu_item):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"order_submit_ip": "100/hour", "order_submit_phone": "2/hour"},
    }
    items = [menu_item] + [
        f.MenuItemFactory(platform=menu_item.platform, category=menu_item.category)
        for _ in range(2)
    ]
    codes = [client.post(NEW, {**form_data, "menu_item": item.pk}).status_code for item in items]
    assert codes == [302, 302, 429]


# --- tracking -------------------------------------------------------------------------------


def test_tracking_unknown_token_is_404(client, db):
    assert client.get("/orders/t/nope/").status_code == 404
    assert client.post("/orders/t/nope/cancel/").status_code == 404
    assert client.post("/orders/t/nope/rate/", {"stars": 5}).status_code == 404


def test_resident_cancels_from_tracking_page(client, open_order):
    url = f"/orders/t/{open_order.tracking_token}/"
    assert client.get(url + "cancel/").status_code == 405
    response = client.post(url + "cancel/", {"reason": "已解决"}, follow=True)
    assert "点单已取消" in response.content.decode()
    open_order.refresh_from_db()
    assert open_order.status == S.CANCELLED and open_order.reason == "已解决"


def test_cancel_after_acceptance_is_refused_with_message(client, open_order, volunteer):
    services.order_claim(order_id=open_order.pk, actor=volunteer.user)
    url = f"/orders/t/{open_order.tracking_token}/"
    assert "取消点单" not in client.get(url).content.decode()
    response = client.post(url + "cancel/", follow=True)
    assert "不能执行此操作" in response.content.decode()
    open_order.refresh_from_db()
    assert open_order.status == S.ACCEPTED


def test_tracking_shows_timeline_volunteer_given_name_and_rates_once(
    client, tuanjie_station, tuanjie, menu_item, volunteer
):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    url = f"/orders/t/{order.tracking_token}/"
    body = client.get(url).content.decode()
    assert "志愿者 明" in body and "张明" not in body
    for label in ("待审核", "待接单", "已接单", "已完成"):
        assert label in body
    assert "评价本次服务" in body
    assert client.post(url + "rate/", {"stars": "9"}, follow=True).status_code == 200
    order.refresh_from_db()
    assert order.status == S.COMPLETED
    response = client.post(url + "rate/", {"stars": "4", "comment": "很好"}, follow=True)
    assert "感谢您的评价" in response.content.decode()
    again = client.post(url + "rate/", {"stars": "1"}, follow=True)
    assert "只能评价一次" in again.content.decode()
    order.refresh_from_db()
    assert (order.status, order.stars, order.rating_comment) == (S.RATED, 4, "很好")


# --- volunteer dashboard ------------------------------------------------------------------


def test_dashboard_requires_login_and_a_volunteer(client, station_head):
    response = client.get("/volunteer/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(station_head)
    assert client.get("/volunteer/").status_code == 404


def test_dashboard_lists_own_village_first_and_filters(
    client, tuanjie_station, tuanjie, neighbour_village, other_village, menu_item, volunteer
):
    other_item = f.MenuItemFactory(platform=menu_item.platform)
    nearby = order_in_state(S.OPEN, village=neighbour_village, menu_item=menu_item)
    mine = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    not_skill = order_in_state(S.OPEN, village=tuanjie, menu_item=other_item)
    far = order_in_state(S.OPEN, village=other_village, menu_item=menu_item)
    client.force_login(volunteer.user)
    response = client.get("/volunteer/")
    listed = [o.pk for o in response.context["open_orders"]]
    assert listed == [mine.pk, not_skill.pk, nearby.pk]
    assert far.pk not in listed
    body = response.content.decode()
    assert mine.phone not in body and mine.masked_phone in body
    skills = client.get("/volunteer/", {"skills": "1"}).context["open_orders"]
    assert [o.pk for o in skills] == [mine.pk, nearby.pk]
    by_cat = client.get("/volunteer/", {"category": other_item.category_id}).context["open_orders"]
    assert [o.pk for o in by_cat] == [not_skill.pk]


def test_claim_complete_flow_through_pages(client, open_order, volunteer):
    client.force_login(volunteer.user)
    assert client.get(f"/volunteer/orders/{open_order.pk}/claim/").status_code == 405
    response = client.post(f"/volunteer/orders/{open_order.pk}/claim/", follow=True)
    assert "接单成功" in response.content.decode()
    assert open_order.phone in response.content.decode()  # the owner sees the full phone
    again = client.post(f"/volunteer/orders/{open_order.pk}/claim/", follow=True)
    assert "不能执行此操作" in again.content.decode()
    bad = client.post(
        f"/orders/{open_order.pk}/complete/",
        {"hours": "0", "note": "x", "service_date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "登记完成失败" in bad.content.decode()
    ok = client.post(
        f"/orders/{open_order.pk}/complete/",
        {"hours": "2", "note": "讲座完成", "service_date": timezone.localdate().isoformat()},
        follow=True,
    )
    assert "已登记完成" in ok.content.decode()
    open_order.refresh_from_db()
    volunteer.refresh_from_db()
    # Pending until the resident rates it or the station head confirms.
    assert open_order.status == S.COMPLETED and volunteer.hours_total == 0
    assert ok.context["hours_month"] == 0  # this month counts confirmed hours only


def test_claim_outside_town_is_404(client, open_order, far_volunteer):
    client.force_login(far_volunteer.user)
    assert client.post(f"/volunteer/orders/{open_order.pk}/claim/").status_code == 404
    assert client.post("/volunteer/orders/999999/claim/").status_code == 404


def test_release_through_page(client, open_order, volunteer):
    services.order_claim(order_id=open_order.pk, actor=volunteer.user)
    client.force_login(volunteer.user)
    missing = client.post(f"/orders/{open_order.pk}/release/", {"reason": ""}, follow=True)
    assert "退单需要填写原因" in missing.content.decode()
    client.post(f"/orders/{open_order.pk}/release/", {"reason": "临时出差"})
    open_order.refresh_from_db()
    assert open_order.status == S.OPEN


def test_other_volunteer_cannot_complete(client, open_order, volunteer, neighbour_village):
    services.order_claim(order_id=open_order.pk, actor=volunteer.user)
    other = f.VolunteerFactory(home_village=neighbour_village, user=f.UserFactory(username="v2"))
    client.force_login(other.user)
    response = client.post(
        f"/orders/{open_order.pk}/complete/",
        {"hours": "2", "note": "x", "service_date": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    open_order.refresh_from_db()
    assert open_order.status == S.ACCEPTED


# --- station head / town admin ------------------------------------------------------------


def test_station_pages_need_an_area(client, volunteer, open_order):
    assert client.get("/station/orders/").status_code == 302
    client.force_login(volunteer.user)
    assert client.get("/station/orders/").status_code == 404
    assert client.get(f"/station/orders/{open_order.pk}/").status_code == 404
    assert client.get("/town/orders/").status_code == 404


def test_station_head_reviews_assigns_and_sees_full_phone(
    client, tuanjie_station, tuanjie, menu_item, station_head, volunteer
):
    a = submit_order(tuanjie, menu_item)
    b = submit_order(tuanjie, menu_item)
    c = submit_order(tuanjie, menu_item)
    client.force_login(station_head)
    listing = client.get("/station/orders/", {"status": "submitted"})
    assert {o.pk for o in listing.context["page"].object_list} == {a.pk, b.pk, c.pk}
    assert listing.context["counts"]["submitted"] == 3
    detail = client.get(f"/station/orders/{a.pk}/").content.decode()
    assert a.phone in detail
    base = "/station/orders/{}/{}/"
    assert client.get(base.format(a.pk, "approve")).status_code == 405
    client.post(base.format(a.pk, "approve"))
    missing = client.post(base.format(b.pk, "reject"), {"reason": ""}, follow=True)
    assert "请填写原因" in missing.content.decode()
    client.post(base.format(b.pk, "reject"), {"reason": "请到镇里办理"})
    client.post(base.format(c.pk, "assign"), {"volunteer": volunteer.pk})
    wrong = client.post(base.format(b.pk, "approve"), follow=True)
    assert "不能执行此操作" in wrong.content.decode()
    assert client.post(base.format(a.pk, "explode")).status_code == 404
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert statuses == {a.pk: S.OPEN, b.pk: S.REJECTED, c.pk: S.ACCEPTED}


def test_station_head_cancels_and_follows_up(
    client, tuanjie_station, tuanjie, menu_item, station_head, volunteer
):
    accepted = order_in_state(S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    low = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    services.order_rate(tracking_token=low.tracking_token, stars=1, comment="没人来")
    client.force_login(station_head)
    listing = client.get("/station/orders/")
    assert [o.pk for o in listing.context["follow_ups"]] == [low.pk]
    client.post(f"/station/orders/{accepted.pk}/cancel/", {"reason": "群众已搬走"})
    client.post(f"/station/orders/{low.pk}/follow-up/", {"note": "已电话致歉"})
    accepted.refresh_from_db()
    low.refresh_from_db()
    assert accepted.status == S.CANCELLED and not low.needs_follow_up


def test_other_area_admin_gets_404(client, open_order, other_town_admin):
    client.force_login(other_town_admin)
    assert open_order not in client.get("/station/orders/").context["page"].object_list
    assert client.get(f"/station/orders/{open_order.pk}/").status_code == 404
    assert (
        client.post(f"/station/orders/{open_order.pk}/cancel/", {"reason": "x"}).status_code == 404
    )
    open_order.refresh_from_db()
    assert open_order.status == S.OPEN


def test_town_admin_sees_overdue_first(
    client,
    settings,
    tuanjie_station,
    tuanjie,
    neighbour_village,
    menu_item,
    town_admin,
    station_head,
):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=50)):
        old = order_in_state(S.OPEN, village=neighbour_village, menu_item=menu_item)
    new = submit_order(tuanjie, menu_item)
    client.force_login(town_admin)
    response = client.get("/town/orders/")
    assert [o.pk for o in response.context["page"].object_list] == [old.pk, new.pk]
    assert "超时未接单" in response.content.decode()
    only = client.get("/town/orders/", {"village": tuanjie.pk}).context["page"].object_list
    assert [o.pk for o in only] == [new.pk]
    client.force_login(station_head)  # a station head has no town view
    assert client.get("/town/orders/").status_code == 404


def test_number_format_on_page(client, form_data):
    client.post(NEW, form_data)
    assert re.fullmatch(r"WM-\d{6}-\d{6}", Order.objects.get().number)
