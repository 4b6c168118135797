"""The order workflow API, through the URL: the contract of issue 3 and every rejection."""

import json

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from orders import services
from orders.models import Order
from tests.orders.factories import order_in_state, submit_order

S = Order.Status


@pytest.fixture
def payload(tuanjie, menu_item, resident):
    return {
        "village": tuanjie.pk,
        "menu_item": menu_item.pk,
        "description": "讲讲新农合",
        "preferred_date": None,
        "people": 8,
        **resident,
    }


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    if code:
        assert body["code"] == code
    return body


# --- submit ---------------------------------------------------------------------------------


def test_public_submit_returns_contract(api, tuanjie_station, payload):
    response = api.post("/api/orders/", payload, format="json")
    assert response.status_code == 201
    body = response.json()
    order = Order.objects.get()
    assert body == {
        "id": order.pk,
        "number": order.number,
        "status": "submitted",
        "tracking_token": order.tracking_token,
    }


def test_submit_unknown_village_alone_is_404_naming_it(api, payload):
    response = api.post("/api/orders/", {**payload, "village": 999999}, format="json")
    body = assert_error(response, 404, "not_found")
    assert list(body["fields"]) == ["village"]
    assert not Order.objects.exists()


def test_submit_bad_input_is_400_per_field(api, payload):
    response = api.post(
        "/api/orders/",
        {**payload, "phone": "123", "people": 0, "village": 999999, "name": ""},
        format="json",
    )
    body = assert_error(response, 400, "invalid")
    assert {"phone", "people", "village", "name"} <= set(body["fields"])
    assert "11位" in body["fields"]["phone"][0]
    assert not Order.objects.exists()


def test_submit_item_not_in_village_menu_is_400(api, payload, menu_item, other_village):
    menu_item.reach = "villages"
    menu_item.save()
    menu_item.villages.add(other_village)
    body = assert_error(api.post("/api/orders/", payload, format="json"), 400)
    assert "menu_item" in body["fields"]


def test_submit_rate_limited_per_ip_and_phone(api, settings, payload):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "order_submit_ip": "2/hour",
            "order_submit_phone": "1/hour",
        },
    }
    assert api.post("/api/orders/", payload, format="json").status_code == 201
    # same phone, same address: this address's budget for the phone is spent (another address
    # keeps its own: tests/orders/test_rate_limits.py)
    body = assert_error(api.post("/api/orders/", payload, format="json"), 429, "throttled")
    assert "提交太频繁" in body["detail"]
    # same address, other phone: the address's two attempts are spent too
    other = {**payload, "phone": "13700000001"}
    assert_error(api.post("/api/orders/", other, format="json"), 429)
    assert api.post("/api/orders/", other, format="json", REMOTE_ADDR="10.1.1.1").status_code == 201
    assert Order.objects.count() == 2


def test_submit_wrong_methods(api, as_user, station_head):
    # Anonymous callers may only POST: anything else asks them to log in first (401) …
    assert api.put("/api/orders/", {}, format="json").status_code == 401
    assert api.delete("/api/orders/").status_code == 401
    # … and a logged-in caller learns the method is not allowed.
    assert as_user(station_head).put("/api/orders/", {}, format="json").status_code == 405
    assert as_user(station_head).delete("/api/orders/").status_code == 405


# --- tracking -------------------------------------------------------------------------------


def test_track_rate_and_cancel(api, tuanjie_station, tuanjie, menu_item, volunteer):
    order = order_in_state(S.COMPLETED, village=tuanjie, menu_item=menu_item, volunteer=volunteer)
    url = f"/api/orders/track/{order.tracking_token}/"
    body = api.get(url).json()
    assert body["status"] == "completed" and body["can_rate"] and not body["can_cancel"]
    assert body["accepted_by"] == "明" and body["phone"] == order.masked_phone
    assert [t["to_status"] for t in body["timeline"]] == [
        "submitted",
        "open",
        "accepted",
        "completed",
    ]
    assert_error(api.post(url + "rate/", {"stars": 7}, format="json"), 400)
    assert_error(api.post(url + "cancel/", {}, format="json"), 409, "conflict")
    rated = api.post(url + "rate/", {"stars": 5, "comment": "好"}, format="json")
    assert rated.status_code == 200 and rated.json()["status"] == "rated"
    assert_error(api.post(url + "rate/", {"stars": 4}, format="json"), 409)
    assert api.get(url + "rate/").status_code == 405


def test_track_cancel_and_unknown_token(api, open_order):
    url = f"/api/orders/track/{open_order.tracking_token}/cancel/"
    response = api.post(url, {"reason": "不需要了"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert_error(api.get("/api/orders/track/nope/"), 404)
    assert_error(api.post("/api/orders/track/nope/rate/", {"stars": 5}, format="json"), 404)
    assert_error(api.post("/api/orders/track/nope/cancel/", {}, format="json"), 404)


# --- scoped list and actions ------------------------------------------------------------------


def test_list_needs_login_and_is_scoped(
    api, as_user, open_order, station_head, other_town_admin, volunteer, far_volunteer
):
    assert_error(api.get("/api/orders/"), 401)
    ids = lambda client: [o["id"] for o in client.get("/api/orders/").json()["results"]]  # noqa: E731
    assert ids(as_user(station_head)) == [open_order.pk]
    assert ids(as_user(other_town_admin)) == []
    assert ids(as_user(volunteer.user)) == [open_order.pk]
    assert ids(as_user(far_volunteer.user)) == []
    assert_error(as_user(other_town_admin).get(f"/api/orders/{open_order.pk}/"), 404)


def test_list_masks_phone_except_for_owner_and_admins(as_user, open_order, volunteer, station_head):
    row = as_user(volunteer.user).get("/api/orders/").json()["results"][0]
    assert row["phone"] == open_order.masked_phone
    services.order_claim(order_id=open_order.pk, actor=volunteer.user)
    row = as_user(volunteer.user).get("/api/orders/").json()["results"][0]
    assert row["phone"] == open_order.phone
    assert (
        as_user(station_head).get("/api/orders/").json()["results"][0]["phone"] == open_order.phone
    )


def test_list_filters_and_ordering(
    as_user, tuanjie_station, tuanjie, neighbour_village, menu_item, town_admin
):
    a = submit_order(tuanjie, menu_item)
    b = order_in_state(S.OPEN, village=neighbour_village, menu_item=menu_item)
    client = as_user(town_admin)

    def ids(**params):
        return [o["id"] for o in client.get("/api/orders/", params).json()["results"]]

    assert ids(status="open") == [b.pk]
    assert ids(village=tuanjie.pk) == [a.pk]
    assert ids(town=tuanjie.town_id, ordering="created_at") == [a.pk, b.pk]
    assert ids(category=menu_item.category_id, ordering="-created_at") == [b.pk, a.pk]
    assert ids(created_after="2000-01-01", created_before="2000-01-02") == []
    assert_error(client.get("/api/orders/", {"status": "bogus"}), 400)


def test_claim_contract(as_user, open_order, volunteer, far_volunteer, station_head):
    url = f"/api/orders/{open_order.pk}/claim/"
    assert_error(APIClient().post(url), 401)
    assert_error(as_user(far_volunteer.user).post(url), 404)
    assert_error(as_user(station_head).post(url), 403)
    response = as_user(volunteer.user).post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["accepted_by"] == {"id": volunteer.pk, "name": "张明"}
    assert_error(as_user(volunteer.user).post(url), 409, "conflict")
    assert as_user(volunteer.user).get(url).status_code == 405


def test_claim_answers_the_serializers_output_in_pinned_queries(
    as_user, open_order, volunteer, django_assert_num_queries
):
    from rest_framework.test import APIRequestFactory

    from orders.api.serializers import OrderSerializer

    client = as_user(volunteer.user)
    # token + user, the volunteer (claimant), scope roles, the visible order, savepoint, the
    # conditional UPDATE, the order refreshed, the audit row, the rollup marker, the notices'
    # marker (the resident is told after the commit), savepoint release, and the answer's
    # names (a UNION; its row is the order as read back).
    with django_assert_num_queries(12):
        response = client.post(f"/api/orders/{open_order.pk}/claim/")
    assert response.status_code == 200
    request = APIRequestFactory().get("/")
    request.user = volunteer.user
    open_order.refresh_from_db()
    expected = OrderSerializer(open_order, context={"request": request}).data
    assert response.json() == json.loads(JSONRenderer().render(expected))


def test_complete_and_release_contract(as_user, open_order, volunteer):
    client = as_user(volunteer.user)
    client.post(f"/api/orders/{open_order.pk}/claim/")
    body = assert_error(
        client.post(f"/api/orders/{open_order.pk}/complete/", {"hours": "99"}, format="json"), 400
    )
    assert {"hours", "note"} <= set(body["fields"])
    assert_error(client.post(f"/api/orders/{open_order.pk}/release/", {}, format="json"), 400)
    released = client.post(
        f"/api/orders/{open_order.pk}/release/", {"reason": "临时有事"}, format="json"
    )
    assert released.json()["status"] == "open"
    client.post(f"/api/orders/{open_order.pk}/claim/")
    done = client.post(
        f"/api/orders/{open_order.pk}/complete/", {"hours": "1.5", "note": "完成"}, format="json"
    )
    assert done.status_code == 200 and done.json()["hours"] == "1.5"
    volunteer.refresh_from_db()
    assert volunteer.hours_total == 0  # pending until confirmed
    assert_error(
        client.post(
            f"/api/orders/{open_order.pk}/complete/", {"hours": "1", "note": "x"}, format="json"
        ),
        409,
    )


def test_review_assign_cancel_contract(
    as_user,
    tuanjie_station,
    tuanjie,
    menu_item,
    station_head,
    other_town_admin,
    volunteer,
    far_volunteer,
):
    a, b, c = (submit_order(tuanjie, menu_item) for _ in range(3))
    head = as_user(station_head)
    assert_error(as_user(other_town_admin).post(f"/api/orders/{a.pk}/approve/"), 404)
    assert head.post(f"/api/orders/{a.pk}/approve/").json()["status"] == "open"
    assert_error(head.post(f"/api/orders/{a.pk}/approve/"), 409)
    assert_error(head.post(f"/api/orders/{b.pk}/reject/", {}, format="json"), 400)
    assert (
        head.post(f"/api/orders/{b.pk}/reject/", {"reason": "重复"}, format="json").json()["status"]
        == "rejected"
    )
    assert_error(head.post(f"/api/orders/{c.pk}/assign/", {}, format="json"), 400)
    body = assert_error(
        head.post(f"/api/orders/{c.pk}/assign/", {"volunteer": far_volunteer.pk}, format="json"),
        400,
    )
    assert "volunteer" in body["fields"]
    # Ids read as on every other endpoint (core.fields.IdField): not a whole number is a 400,
    # an id that matches nothing a 404 naming the field; the order is still waiting.
    body = assert_error(
        head.post(f"/api/orders/{c.pk}/assign/", {"volunteer": str(volunteer.pk)}, format="json"),
        400,
    )
    assert body["fields"]["volunteer"] == ["应为不小于 1 的整数编号。"]
    body = assert_error(
        head.post(f"/api/orders/{c.pk}/assign/", {"team": 999999}, format="json"), 404, "not_found"
    )
    assert body["fields"] == {"team": ["队伍不存在。"]}
    assigned = head.post(f"/api/orders/{c.pk}/assign/", {"volunteer": volunteer.pk}, format="json")
    assert assigned.json()["status"] == "accepted"
    assert_error(head.post(f"/api/orders/{c.pk}/cancel/", {}, format="json"), 400)
    cancelled = head.post(f"/api/orders/{c.pk}/cancel/", {"reason": "天气"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert_error(head.post(f"/api/orders/{c.pk}/cancel/", {"reason": "x"}, format="json"), 409)
    assert_error(head.post("/api/orders/999999/approve/"), 404)


def test_list_query_count_is_flat(
    as_user,
    tuanjie_station,
    tuanjie,
    neighbour_village,
    menu_item,
    volunteer,
    town_admin,
    django_assert_num_queries,
):
    for i in range(30):
        order_in_state(
            [S.SUBMITTED, S.OPEN, S.ACCEPTED, S.COMPLETED][i % 4],
            village=tuanjie if i % 2 else neighbour_village,
            menu_item=menu_item,
            volunteer=volunteer,
        )
    client = as_user(town_admin)
    client.get("/api/orders/")  # the login's scope is then kept per process (stations.scope)
    # token + user, volunteer link (none), count, page, the rows' names (one UNION).
    with django_assert_num_queries(5):
        response = client.get("/api/orders/", {"page_size": 100})
    assert len(response.json()["results"]) == 30
    vclient = as_user(volunteer.user)
    vclient.get("/api/orders/")
    # token + user, volunteer, count, page, names.
    with django_assert_num_queries(5):
        response = vclient.get("/api/orders/", {"page_size": 100})
    assert len(response.json()["results"]) >= 15


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_list_rows_are_the_serializers_output(
    as_user, tuanjie_station, tuanjie, neighbour_village, menu_item, volunteer, town_admin, language
):
    """The list builds its rows without OrderSerializer (issue 19); they must stay identical,
    for an admin (full phones) and a volunteer (own orders full, others masked)."""
    from rest_framework.test import APIRequestFactory

    from orders.api.serializers import OrderSerializer
    from orders.api.views import visible_orders

    for i, state in enumerate(S.values):
        order_in_state(
            state,
            village=tuanjie if i % 2 else neighbour_village,
            menu_item=menu_item,
            volunteer=volunteer,
        )
    team_order = order_in_state(S.OPEN, village=tuanjie, menu_item=menu_item)
    services.order_assign(
        order_id=team_order.pk, actor=town_admin, team_id=volunteer.teams.get().pk
    )
    Order.objects.filter(pk=team_order.pk).update(hours="2.5", preferred_date="2026-12-01")
    for user in (town_admin, volunteer.user):
        request = APIRequestFactory().get("/")
        request.user = user
        with translation.override(language):
            expected = OrderSerializer(
                visible_orders(user).order_by("-created_at", "-id"),
                many=True,
                context={"request": request},
            ).data
            expected = json.loads(JSONRenderer().render(expected))
        response = as_user(user).get(
            "/api/orders/", {"page_size": 100}, HTTP_ACCEPT_LANGUAGE=language
        )
        assert response.json()["results"] == expected
        assert len(expected) >= 4


def test_schema_documents_the_contract(api, db):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert "post" in paths["/api/orders/"] and "get" in paths["/api/orders/"]
    for action in ("claim", "assign", "complete", "release", "approve", "reject", "cancel"):
        responses = paths[f"/api/orders/{{id}}/{action}/"]["post"]["responses"]
        assert {"200", "400", "404", "409"} <= set(responses), action
    assert "201" in paths["/api/orders/"]["post"]["responses"]
    assert "429" in paths["/api/orders/"]["post"]["responses"]
    for p in ("/api/orders/track/{token}/", "/api/orders/track/{token}/rate/"):
        assert p in paths
