"""Event writes through the API: create, edit, plan, publish, complete, cancel; scoped and
state-checked by the same services as the pages."""

import datetime as dt

import pytest
from django.utils import timezone

from events.models import Event, EventStateChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def head(as_user, station_head):
    return as_user(station_head)


def _times(days: int = 5):
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    start += dt.timedelta(days=days)
    return start.isoformat(), (start + dt.timedelta(hours=2)).isoformat()


def _create(client, category, **extra):
    start, end = _times()
    body = {
        "title": "民法典进村宣讲",
        "category": category.id,
        "start": start,
        "end": end,
        "venue_address": "村文化广场",
        **extra,
    }
    return client.post("/api/events/", body, format="json")


def test_station_head_creates_a_draft_in_the_station_village(
    head, lecture_category, tuanjie, tuanjie_station
):
    response = _create(head, lecture_category)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft"
    assert body["village"] == {"id": tuanjie.id, "name": "团结村"}
    event = Event.objects.get(pk=body["id"])
    assert event.organiser_position == tuanjie_station
    assert EventStateChange.objects.filter(event=event, to_state="draft").exists()


def test_create_rejections(api, head, lecture_category, other_village, tuanjie_station):
    assert _create(api, lecture_category).status_code == 401
    response = _create(head, lecture_category, village=other_village.id)
    assert response.status_code == 404
    start, end = _times()
    response = head.post(
        "/api/events/",
        {"title": "x", "category": lecture_category.id, "start": end, "end": start},
        format="json",
    )
    assert response.status_code == 400
    response = head.post("/api/events/", {"title": "", "category": 999999}, format="json")
    assert response.status_code == 400
    assert {"title", "category", "start", "end"} <= set(response.json()["fields"])


def test_edit_plan_publish_cancel(head, lecture_category, tuanjie_station):
    event_id = _create(head, lecture_category).json()["id"]
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


def test_complete_only_after_start(head, lecture_category, tuanjie_station):
    event_id = _create(head, lecture_category).json()["id"]
    head.post(f"/api/events/{event_id}/publish/")
    response = head.post(f"/api/events/{event_id}/complete/", {"attendance": 30}, format="json")
    assert response.status_code == 409  # a wrong state (not started yet), not bad input
    Event.objects.filter(pk=event_id).update(
        start=timezone.now() - dt.timedelta(hours=3), end=timezone.now() - dt.timedelta(hours=1)
    )
    response = head.post(
        f"/api/events/{event_id}/complete/",
        {"attendance": 30, "results_note": "群众反响好"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "done"
    assert response.json()["attendance"] == 30


def test_other_areas_events_are_404(
    as_user, head, other_town_admin, lecture_category, tuanjie_station
):
    event_id = _create(head, lecture_category).json()["id"]
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


def test_volunteer_cannot_manage_events(
    as_user, volunteer_user, volunteer, head, lecture_category, tuanjie_station
):
    event_id = _create(head, lecture_category).json()["id"]
    head.post(f"/api/events/{event_id}/publish/")
    client = as_user(volunteer_user)
    assert (
        client.post(f"/api/events/{event_id}/cancel/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert _create(client, lecture_category).status_code == 404


def test_implausible_years_are_400(head, lecture_category, tuanjie_station):
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
    event_id = _create(head, lecture_category).json()["id"]
    response = head.patch(
        f"/api/events/{event_id}/", {"start": "9999-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400


def test_headcounts_beyond_the_database_are_400(head, lecture_category, tuanjie_station):
    """schemathesis found a capacity of 758027881616 reaching PostgreSQL's integer column (500)."""
    huge = 758027881616
    assert _create(head, lecture_category, capacity=huge).status_code == 400
    event_id = _create(head, lecture_category).json()["id"]
    response = head.patch(f"/api/events/{event_id}/", {"capacity": huge}, format="json")
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["capacity"]
    head.post(f"/api/events/{event_id}/publish/")
    Event.objects.filter(pk=event_id).update(
        start=timezone.now() - dt.timedelta(hours=3), end=timezone.now() - dt.timedelta(hours=1)
    )
    response = head.post(f"/api/events/{event_id}/complete/", {"attendance": huge}, format="json")
    assert response.status_code == 400
    assert Event.objects.get(pk=event_id).state == "published"
