"""Event writes through the API: create, edit, plan, publish, complete, cancel; scoped and
state-checked by the same services as the pages. Events a test starts from are made through the
services (``make_event``); only the create tests post one."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from events.models import Event, EventStateChange
from tests.events.conftest import at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_20")]


def _times(days: int = 5):
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=days)
    return start.isoformat(), (start + dt.timedelta(hours=2)).isoformat()


def _body(category, **extra) -> dict:
    """A complete body for ``POST /api/events/``, five days from now."""
    start, end = _times()
    return {
        "title": "民法典进村宣讲",
        "category": category.id,
        "start": start,
        "end": end,
        "venue_address": "村文化广场",
        **extra,
    }


def test_station_head_creates_a_draft_in_the_station_village(
    head, lecture_category, tuanjie, tuanjie_station
):
    response = head.post("/api/events/", _body(lecture_category), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["village"] == {"id": tuanjie.id, "name": "团结村"}
    event = Event.objects.get(pk=body["id"])
    assert event.organiser_position == tuanjie_station
    assert EventStateChange.objects.filter(event=event, to_state="draft").exists()


def _ends_before_it_starts(category, other_village) -> dict:
    start, end = _times()
    return {"title": "x", "category": category.id, "start": end, "end": start}


# (who, body(category, other village), status, code, fields the answer names at least)
CREATE_REJECTIONS = [
    pytest.param(
        "anonymous", lambda c, v: _body(c), 401, "not_authenticated", set(), id="anonymous"
    ),
    pytest.param("volunteer", lambda c, v: _body(c), 404, "not_found", set(), id="volunteer"),
    pytest.param(
        "station_head",
        lambda c, v: _body(c, village=v.id),
        404,
        "not_found",
        set(),
        id="in-another-towns-village",
    ),
    pytest.param(
        "station_head", _ends_before_it_starts, 400, "invalid", set(), id="ends-before-it-starts"
    ),
    pytest.param(
        "station_head",
        lambda c, v: {"title": "", "category": 999999},
        400,
        "invalid",
        {"title", "category", "start", "end"},
        id="blank-title-unknown-category-no-times",
    ),
]


@pytest.mark.parametrize(("who", "body", "status", "code", "fields"), CREATE_REJECTIONS)
def test_create_rejections(
    who, body, status, code, fields, api_as, lecture_category, other_village, tuanjie_station
):
    response = api_as(who).post(
        "/api/events/", body(lecture_category, other_village), format="json"
    )
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    assert fields <= set(response.json()["fields"])
    assert not Event.objects.exists()


def test_edit_plan_publish_cancel(head, make_event):
    event_id = make_event().pk
    response = head.patch(
        f"/api/events/{event_id}/", {"title": "新标题", "capacity": 80}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "新标题"
    assert head.post(f"/api/events/{event_id}/plan/").json()["state"] == "planned"
    assert head.post(f"/api/events/{event_id}/publish/").json()["state"] == "published"
    # Planning a published event is a state error.
    response = head.post(f"/api/events/{event_id}/plan/")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert head.post(f"/api/events/{event_id}/cancel/", {}, format="json").status_code == 400
    response = head.post(f"/api/events/{event_id}/cancel/", {"reason": "下雨"}, format="json")
    assert response.json()["state"] == "cancelled"
    assert response.json()["cancel_reason"] == "下雨"
    response = head.patch(f"/api/events/{event_id}/", {"title": "再改"}, format="json")
    assert response.status_code == 409


@pytest.mark.parametrize("state", ["planned", "published"])
def test_complete_only_once_started(head, make_event, state):
    event = make_event(state=state)  # 10 December, 09:00; now is 20 November
    url = f"/api/events/{event.pk}/complete/"
    body = {"attendance": 30, "results_note": "群众反响好"}
    response = head.post(url, body, format="json")
    assert response.status_code == 409  # a wrong state (not started yet), not bad input
    assert response.json() == {
        "detail": "活动尚未开始，不能标记为完成。",
        "code": "conflict",
        "fields": {},
    }
    event.refresh_from_db()
    assert (event.state, event.attendance, event.completed_at) == (state, 0, None)
    assert not event.state_changes.filter(to_state="done").exists()
    with time_machine.travel(at(2026, 12, 10, 9, 0), tick=False):
        response = head.post(url, body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "done"
    assert response.json()["attendance"] == 30
    event.refresh_from_db()
    assert (event.state, event.attendance, event.results_note) == ("done", 30, "群众反响好")


def test_other_areas_events_are_404(as_user, head, other_town_admin, make_event):
    event_id = make_event().pk
    outsider = as_user(other_town_admin)
    assert outsider.post(f"/api/events/{event_id}/plan/").status_code == 404
    assert (
        outsider.patch(f"/api/events/{event_id}/", {"title": "x"}, format="json").status_code == 404
    )
    head.post(f"/api/events/{event_id}/publish/")
    # Published: anyone may read it, still nobody outside may change it.
    assert outsider.get(f"/api/events/{event_id}/").status_code == 200
    response = outsider.post(f"/api/events/{event_id}/cancel/", {"reason": "x"}, format="json")
    assert response.status_code == 404


def test_volunteer_cannot_manage_events(api_as, make_event):
    event_id = make_event(state="published").pk
    client = api_as("volunteer")
    assert (
        client.post(f"/api/events/{event_id}/cancel/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert Event.objects.get(pk=event_id).state == "published"


def test_implausible_years_are_400(head, lecture_category, make_event):
    response = head.post(
        "/api/events/",
        {
            "title": "x",
            "category": lecture_category.id,
            "start": "1538-10-08T03:37:28+08:00",
            "end": "1538-10-08T05:37:28+08:00",
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"start", "end"} <= set(response.json()["fields"])
    event_id = make_event().pk
    response = head.patch(
        f"/api/events/{event_id}/", {"start": "9999-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400


def test_headcounts_beyond_the_database_are_400(head, lecture_category, make_event):
    """schemathesis found a capacity of 758027881616 reaching PostgreSQL's integer column (500)."""
    huge = 758027881616
    response = head.post("/api/events/", _body(lecture_category, capacity=huge), format="json")
    assert response.status_code == 400
    event_id = make_event().pk
    response = head.patch(f"/api/events/{event_id}/", {"capacity": huge}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["capacity"]
    started = make_event(start=at(2026, 11, 20, 8, 0), state="published")
    response = head.post(f"/api/events/{started.pk}/complete/", {"attendance": huge}, format="json")
    assert response.status_code == 400
    assert Event.objects.get(pk=started.pk).state == "published"
