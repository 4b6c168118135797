"""Everything a station head does in the pages, done through the API alone with a token.

Token → who am I → the station's orders by state → approve / reject / assign / cancel, with the
409 and 404 a client must handle → the station's volunteers and teams → the monthly plan and
events, where the events API offers them.
"""

import datetime as dt

import pytest
from django.urls import resolve
from django.utils import timezone

from core.api import not_found
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def _has_route(path: str) -> bool:
    """Whether an API route serves ``path`` (anything else falls to the catch-all 404)."""
    return resolve(path).url_name is not None and resolve(path).func is not not_found


needs_orders_api = pytest.mark.skipif(
    not _has_route("/api/orders/"), reason="the orders API (issue 3) has not landed"
)


def _place(api, village, menu_item, phone):
    response = api.post(
        "/api/orders/",
        {
            "village": village.id,
            "menu_item": menu_item.id,
            "name": "李大娘",
            "phone": phone,
            "description": "想听一次惠民政策宣讲",
            "people": 12,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    return response.json()


@needs_orders_api
def test_station_head_runs_the_station_through_the_api(
    api, station_head, volunteer, tuanjie, other_village, menu_item
):
    from rest_framework.test import APIClient

    # 1. Log in: username and password for a token; then only the token.
    response = api.post(
        "/api/auth/token/", {"username": "head-tuanjie", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    head = APIClient()
    head.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")

    me = head.get("/api/me/").json()
    assert me["scope"]["villages"] == [tuanjie.id]

    # Residents order (public, no login); one order elsewhere that the head must never see.
    first = _place(api, tuanjie, menu_item, "13812340001")
    second = _place(api, tuanjie, menu_item, "13812340002")
    third = _place(api, tuanjie, menu_item, "13812340003")
    elsewhere = _place(api, other_village, menu_item, "13812340004")

    # 2. The station's orders waiting for review.
    listed = head.get("/api/orders/", {"status": "submitted"}).json()
    assert {o["id"] for o in listed["results"]} == {first["id"], second["id"], third["id"]}
    detail = head.get(f"/api/orders/{first['id']}/").json()
    assert detail["phone"] == "13812340001"  # the station head sees the phone in full

    # 3. Approve one, reject one (the resident sees why), cancel one.
    assert head.post(f"/api/orders/{first['id']}/approve/").status_code == 200
    response = head.post(
        f"/api/orders/{second['id']}/reject/", {"reason": "本月已安排同类宣讲"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "rejected"
    response = head.post(
        f"/api/orders/{third['id']}/cancel/", {"reason": "群众电话告知不需要了"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"

    # 4. Dispatch (派单) the approved order to a volunteer of the village, found through the API.
    volunteers = head.get("/api/volunteers/", {"village": tuanjie.id}).json()["results"]
    assert volunteer.id in {v["id"] for v in volunteers}
    response = head.post(
        f"/api/orders/{first['id']}/assign/", {"volunteer": volunteer.id}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    assert head.get("/api/orders/", {"status": "accepted"}).json()["count"] == 1

    # 5. What a client must handle: wrong state is 409, another village is 404, bad input 400.
    response = head.post(f"/api/orders/{second['id']}/approve/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert head.post(f"/api/orders/{elsewhere['id']}/approve/").status_code == 404
    assert head.get(f"/api/orders/{elsewhere['id']}/").status_code == 404
    response = head.post(f"/api/orders/{first['id']}/cancel/", {}, format="json")
    assert response.status_code == 400  # the reason is checked before the state

    # 6. Teams of the village.
    teams = head.get("/api/teams/", {"village": tuanjie.id}).json()["results"]
    assert [t["name"] for t in teams] == ["团结村志愿服务队"]


def test_station_head_plans_the_month_through_the_api(
    as_user, station_head, tuanjie_station, lecture_category
):
    """Draft the next month's events, submit the station's plan, publish, follow up."""
    head = as_user(station_head)
    today = timezone.localdate()
    first_of_next = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    ym = first_of_next.strftime("%Y-%m")
    start = timezone.make_aware(dt.datetime.combine(first_of_next, dt.time(9)))
    ids = []
    for day in (3, 17):
        response = head.post(
            "/api/events/",
            {
                "title": f"文明宣讲（{day}日）",
                "category": lecture_category.id,
                "start": (start + dt.timedelta(days=day)).isoformat(),
                "end": (start + dt.timedelta(days=day, hours=2)).isoformat(),
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])

    plans = head.get(f"/api/plans/{ym}/").json()["results"]
    assert [(p["position"]["id"], p["status"]) for p in plans] == [(tuanjie_station.id, "missing")]
    response = head.post(
        f"/api/plans/{ym}/submit/",
        {"position": tuanjie_station.id, "note": "两场宣讲"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert head.get(f"/api/plans/{ym}/").json()["results"][0]["status"] == "submitted"
    assert head.get(f"/api/events/{ids[0]}/").json()["state"] == "planned"
    # Submitting twice is a state error.
    again = head.post(f"/api/plans/{ym}/submit/", {"position": tuanjie_station.id}, format="json")
    assert again.status_code == 409

    assert head.post(f"/api/events/{ids[0]}/publish/").json()["state"] == "published"
    response = head.post(f"/api/events/{ids[1]}/cancel/", {"reason": "与集市冲突"}, format="json")
    assert response.json()["state"] == "cancelled"
    listed = head.get("/api/events/", {"state": "published"}).json()
    assert [e["id"] for e in listed["results"]] == [ids[0]]
