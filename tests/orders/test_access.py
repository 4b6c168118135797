"""Who may do what to an order (``orders.access``), through the URL: the API and the pages give
the same answer for the same person and order.

404 outside one's sight (another area; an order not, or no longer, open to a volunteer: still
waiting for review, or taken by someone else), 403 inside it for a role that may not act,
409 for a wrong state. Pages answer 404 and 403 the same way and show a wrong state as a
message on the page they send the user back to. The cases are the table in
``tests/orders/rejections.py``.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from core.errors import InvalidTransition, NotInScope
from orders import access, services
from orders.models import Order, OrderStatusChange, VolunteerSkill
from tests import factories as f
from tests.orders.rejections import MISSING, PAYLOADS, REJECTIONS, payload, snapshot, user_of
from volunteers.models import ServiceRecord

pytestmark = pytest.mark.long

S = Order.Status
CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found", 409: "conflict"}

PAGE_URLS = {
    "claim": "/volunteer/orders/{pk}/claim/",
    "complete": "/orders/{pk}/complete/",
    "release": "/orders/{pk}/release/",
    "approve": "/station/orders/{pk}/approve/",
    "reject": "/station/orders/{pk}/reject/",
    "assign": "/station/orders/{pk}/assign/",
    "cancel": "/station/orders/{pk}/cancel/",
}


@pytest.mark.parametrize(("action", "who", "kind", "status"), REJECTIONS)
def test_api_rejections(
    action, who, kind, status, make_order, volunteer, inactive_volunteer, as_user, api, request
):
    order = make_order(kind)
    before = snapshot(order)
    user = user_of(request, who)
    client = as_user(user) if user else api
    pk = order.pk if order else MISSING
    response = client.post(f"/api/orders/{pk}/{action}/", payload(action, volunteer), format="json")
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "code", "fields"}
    assert body["code"] == CODES[status]  # the service's domain error (core.errors)
    assert snapshot(order) == before


@pytest.mark.parametrize(("action", "who", "kind", "status"), REJECTIONS)
def test_page_rejections(
    action, who, kind, status, make_order, volunteer, inactive_volunteer, client, request
):
    order = make_order(kind)
    before = snapshot(order)
    user = user_of(request, who)
    if user:
        client.force_login(user)
    pk = order.pk if order else MISSING
    data = payload(action, volunteer)
    if action == "complete":
        data["service_date"] = timezone.localdate().isoformat()
    response = client.post(PAGE_URLS[action].format(pk=pk), data)
    if status == 401:
        assert response.status_code == 302 and "/login/" in response["Location"]
    elif status == 409:  # pages show the wrong state as a message where they send the user
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert "不能执行此操作" in page.content.decode()
    else:
        assert response.status_code == status
    assert snapshot(order) == before


@pytest.mark.parametrize("action", sorted(PAYLOADS))
def test_wrong_method(action, open_order, station_head, as_user, client):
    api = as_user(station_head)
    assert api.get(f"/api/orders/{open_order.pk}/{action}/").status_code == 405
    client.force_login(station_head)
    url = PAGE_URLS[action].format(pk=open_order.pk)
    if action in ("complete", "release"):  # GET is their page (the form, the confirmation)
        assert client.put(url).status_code == 405
    else:
        assert client.get(url).status_code == 405


def test_claim_succeeds_for_a_volunteer_of_the_town(open_order, town_volunteer, as_user):
    response = as_user(town_volunteer.user).post(f"/api/orders/{open_order.pk}/claim/")
    assert response.status_code == 200
    open_order.refresh_from_db()
    assert open_order.status == S.ACCEPTED and open_order.accepted_by == town_volunteer


def test_team_member_sees_completes_and_releases_the_team_order(
    make_order, volunteer, town_volunteer, as_user
):
    order = make_order("team")
    member = as_user(volunteer.user)
    assert member.get(f"/api/orders/{order.pk}/").status_code == 200
    assert order.pk in [o["id"] for o in member.get("/api/orders/").json()["results"]]
    assert as_user(town_volunteer.user).get(f"/api/orders/{order.pk}/").status_code == 404
    response = member.post(
        f"/api/orders/{order.pk}/complete/", {"hours": "2", "note": "队伍完成"}, format="json"
    )
    assert response.status_code == 200
    order.refresh_from_db()
    volunteer.refresh_from_db()
    # The member's hours are recorded for them, pending until the rating or the station head.
    assert order.status == S.COMPLETED and volunteer.hours_total == 0
    record = ServiceRecord.objects.get(source_kind="order", source_id=order.pk)
    assert record.volunteer == volunteer and record.hours == Decimal("2.0")


def test_claim_detail_and_list_agree(make_order, volunteer, as_user):
    """What a volunteer may claim is exactly what they can see open: one rule, not three."""
    orders = {kind: make_order(kind) for kind in ("submitted", "open", "theirs")}
    client = as_user(volunteer.user)
    listed = {o["id"] for o in client.get("/api/orders/").json()["results"]}
    for kind, order in orders.items():
        detail = client.get(f"/api/orders/{order.pk}/").status_code
        assert (detail == 200) == (order.pk in listed) == (kind == "open"), kind


def test_inactive_volunteer_is_refused_at_claim_and_assign(
    open_order, inactive_volunteer, station_head, as_user, client
):
    claim = as_user(inactive_volunteer.user).post(f"/api/orders/{open_order.pk}/claim/")
    assert claim.status_code == 403
    assert claim.json()["detail"] == "只有在册志愿者可以接单。"
    head = as_user(station_head)
    assign = head.post(
        f"/api/orders/{open_order.pk}/assign/", {"volunteer": inactive_volunteer.pk}, format="json"
    )
    assert assign.status_code == 400
    assert assign.json()["fields"]["volunteer"] == ["该志愿者已不在册，不能派单。"]
    client.force_login(station_head)
    page = client.get(f"/station/orders/{open_order.pk}/")
    assert inactive_volunteer.pk not in [
        v.pk for v in page.context["assign_form"].fields["volunteer"].queryset
    ]
    client.post(f"/station/orders/{open_order.pk}/assign/", {"volunteer": inactive_volunteer.pk})
    open_order.refresh_from_db()
    assert open_order.status == S.OPEN and open_order.accepted_by is None


def test_assign_to_another_towns_volunteer_says_only_not_yours(
    open_order, far_volunteer, station_head, as_user
):
    far_volunteer.is_active = False
    far_volunteer.save()
    response = as_user(station_head).post(
        f"/api/orders/{open_order.pk}/assign/", {"volunteer": far_volunteer.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["fields"]["volunteer"] == ["只能派给本镇（街道）在册的志愿者。"]


def test_assign_picker_lists_skilled_volunteers_first(
    open_order, tuanjie, lecture_category, volunteer, town_volunteer, station_head, client
):
    VolunteerSkill.objects.create(volunteer=town_volunteer, category=lecture_category)
    unskilled = f.VolunteerFactory(name="李四", home_village=tuanjie)
    client.force_login(station_head)
    page = client.get(f"/station/orders/{open_order.pk}/")
    choices = list(page.context["assign_form"].fields["volunteer"].queryset)
    # The order's skill first, then its village: 张明 (skilled, 团结村), 王芳 (skilled, 前进村),
    # then 李四 (团结村, no such skill).
    assert choices == [volunteer, town_volunteer, unskilled]


def test_admin_approve_action_reports_each_order_it_cannot_approve(client, superuser, make_order):
    waiting, already = make_order("submitted"), make_order("open")
    client.force_login(superuser)
    response = client.post(
        "/admin/orders/order/",
        {"action": "approve_selected", "_selected_action": [waiting.pk, already.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert f"{already.number}: 该点单当前状态为“待接单”" in body
    waiting.refresh_from_db()
    assert waiting.status == S.OPEN


def test_may_see_phone(
    accepted_order, volunteer, town_volunteer, station_head, town_admin, other_town_admin
):
    assert access.may_see_phone(volunteer.user, accepted_order)
    assert access.may_see_phone(station_head, accepted_order)
    assert access.may_see_phone(town_admin, accepted_order)
    assert not access.may_see_phone(other_town_admin, accepted_order)
    assert not access.may_see_phone(town_volunteer.user, accepted_order)
    assert not access.may_see_phone(None, accepted_order)
    volunteer.is_active = False
    volunteer.save()
    assert not access.may_see_phone(volunteer.user, accepted_order)


def test_lost_race_is_judged_on_the_order_as_the_winner_left_it(
    open_order, volunteer, town_volunteer, station_head
):
    """The claim that loses a race gets what a later claim gets (404): the order is someone
    else's now. An admin who loses a race still sees the order, so gets 409."""
    services.order_claim(order_id=open_order.pk, actor=town_volunteer.user)
    open_order.refresh_from_db()
    assert isinstance(access.lost_race(volunteer.user, open_order), NotInScope)
    assert isinstance(access.lost_race(station_head, open_order), InvalidTransition)
    assert isinstance(access.lost_race(None, open_order), InvalidTransition)
    assert not OrderStatusChange.objects.filter(order=open_order, actor=volunteer.user).exists()
