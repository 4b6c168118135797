"""Dashboards and lists pin their query counts, with enough rows that an N+1 would show."""

import pytest
from django.db import connection

from orders import services
from orders.models import Order
from tests import factories as f
from tests.orders.factories import area_admin, order_in_state, submit_order

S = Order.Status
ROWS = 30


@pytest.fixture
def busy_town(tuanjie_station, tuanjie, neighbour_village, menu_item, volunteer):
    """30 orders in every state across two villages, several owners and a team."""
    admin = area_admin()
    items = [menu_item] + [
        f.MenuItemFactory(platform=menu_item.platform, category=menu_item.category)
        for _ in range(2)
    ]
    others = [
        f.VolunteerFactory(home_village=neighbour_village, user=f.UserFactory(username=f"qv{i}"))
        for i in range(3)
    ]
    team = volunteer.teams.get()
    states = [S.SUBMITTED, S.OPEN, S.ACCEPTED, S.COMPLETED, S.RATED, S.CANCELLED]
    for i in range(ROWS):
        village = tuanjie if i % 2 else neighbour_village
        owner = volunteer if i % 3 == 0 else others[i % 3]
        order_in_state(
            states[i % len(states)],
            village=village,
            menu_item=items[i % 3],
            volunteer=owner,
            admin=admin,
        )
    for _ in range(5):  # the volunteer's own accepted orders, and a team-owned one
        o = order_in_state(S.ACCEPTED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    o = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item, admin=admin)
    services.order_assign(order_id=o.pk, actor=admin, team_id=team.pk)
    submit_order(tuanjie, menu_item)
    return admin


def test_volunteer_dashboard_queries(client, busy_town, volunteer, django_assert_num_queries):
    client.force_login(volunteer.user)
    client.get("/volunteer/")  # the login's scope and bell are then kept (stations.scope)
    # session, user, volunteer, the two tab counts, hours this month, points balance, points
    # history, then the tab's list (+ categories) and one query per relation its rows show
    # (village, town, menu item, category; the owner on the "mine" and "done" tabs): not
    # joined, PostgreSQL took longer to plan the join.
    with django_assert_num_queries(14):
        response = client.get("/volunteer/")
    assert len(response.context["open_orders"]) >= 5
    with django_assert_num_queries(14):
        response = client.get("/volunteer/?tab=mine")
    assert len(response.context["accepted"]) >= 5
    with django_assert_num_queries(14):
        response = client.get("/volunteer/?tab=done")
    assert len(response.context["recent"]) >= 1


def test_station_list_queries(client, busy_town, station_head, django_assert_num_queries):
    client.force_login(station_head)
    # session, user, scope roles, volunteer link (nav), unread messages (bell), count, page,
    # status counts, follow-ups, and the page's six relations (one query each, not joined).
    with django_assert_num_queries(15):
        response = client.get("/station/orders/")
    assert len(response.context["page"].object_list) >= ROWS // 2


def test_town_list_queries(client, busy_town, town_admin, django_assert_num_queries):
    client.force_login(town_admin)
    # session, user, scope roles, volunteer link (nav), unread messages, village options,
    # count, page, status counts, and the page's six relations.
    with django_assert_num_queries(15):
        response = client.get("/town/orders/")
    assert len(response.context["page"].object_list) >= ROWS


def test_station_detail_queries(
    client, busy_town, station_head, tuanjie, django_assert_num_queries
):
    order = Order.objects.filter(village=tuanjie, status=S.OPEN).first()
    client.force_login(station_head)
    # session, user, scope roles, volunteer link (nav), unread messages, order, timeline,
    # the 派单 picker's volunteers (with their load) and their skills, teams: however many.
    with django_assert_num_queries(10):
        response = client.get(f"/station/orders/{order.pk}/")
    assert response.status_code == 200
    assert response.context["assign_count"] >= 4
    # The login's scope, volunteer link and unread count are now kept (stations.scope).
    with django_assert_num_queries(7):
        response = client.get(f"/station/orders/{order.pk}/", {"vq": "志愿者"})
    assert response.status_code == 200


@pytest.mark.parametrize("reviews", [True, False])
def test_order_submission_queries(
    api, tuanjie_station, tuanjie, menu_item, reviews, django_assert_num_queries
):
    """POST /api/orders/ (issue 19: 34 queries with the rollup refresh in the request, 16 with
    the notices worked out in it). The request writes the order, its history, the rollup marker
    and the notices' marker; the refresh, the notices and their deliveries are worked out after
    the commit (not counted: callbacks of the test's transaction never run)."""
    tuanjie_station.review_orders = reviews
    tuanjie_station.save()
    body = {"village": tuanjie.pk, "menu_item": menu_item.pk, "name": "李", "people": 1}
    api.post("/api/orders/", {**body, "phone": "13812341234"}, format="json")
    # village, item, item offered, station reviews, then one transaction (its savepoint pair
    # counts here): the duplicate check under the lock, the number (one UPDATE … RETURNING),
    # order, history + rollup marker + notices' marker; and when it opens at once, the
    # transition: update, reread, history + the two markers.
    # PostgreSQL: one more, the advisory lock against simultaneous identical submissions.
    lock = 1 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries((12 if reviews else 17) + lock):
        response = api.post("/api/orders/", {**body, "phone": "13812341235"}, format="json")
    assert response.status_code == 201
