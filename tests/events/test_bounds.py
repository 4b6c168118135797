"""Issue 14, finding 4: dates outside 2000-2100 and oversized text never reach the database
through the event pages or the API, and rows stored before the rule are repaired (they made
every event list answer 500)."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from events.models import DESCRIPTION_MAX, Event, MonthlyPlan
from tests.events.conftest import at

FORM = {"title": "冬季送温暖", "start": "2026-12-08T09:00", "end": "2026-12-08T11:00"}


@pytest.fixture
def head(client, station_head):
    client.force_login(station_head)
    return client


@pytest.mark.parametrize(
    "start,end",
    [("0001-01-01T09:00", "0001-01-01T10:00"), ("9999-12-31T09:00", "9999-12-31T10:00")],
)
def test_event_form_refuses_years_outside_2000_2100(head, lecture_category, start, end):
    response = head.post(
        "/events/new/", {**FORM, "category": lecture_category.pk, "start": start, "end": end}
    )
    assert response.status_code == 200
    assert "请填写 2000 年至 2100 年之间的时间" in response.content.decode()
    assert not Event.objects.exists()


def test_event_edit_form_refuses_them_too(head, make_event, lecture_category):
    event = make_event()
    response = head.post(
        f"/events/{event.pk}/edit/",
        {**FORM, "category": lecture_category.pk, "start": "9999-12-31T09:00"},
    )
    assert "请填写 2000 年至 2100 年之间的时间" in response.content.decode()
    event.refresh_from_db()
    assert event.start.year == 2026


def test_event_form_and_api_refuse_oversized_text(head, as_user, station_head, lecture_category):
    big = "长" * (DESCRIPTION_MAX + 1)
    response = head.post(
        "/events/new/", {**FORM, "category": lecture_category.pk, "description": big}
    )
    assert response.status_code == 200 and not Event.objects.exists()
    api = as_user(station_head)
    body = {**FORM, "category": lecture_category.pk, "description": big}
    body.update(start="2026-12-08T09:00:00+08:00", end="2026-12-08T11:00:00+08:00")
    response = api.post("/api/events/", body, format="json")
    assert response.status_code == 400 and "description" in response.json()["fields"]
    assert not Event.objects.exists()
    body["description"] = "长" * DESCRIPTION_MAX
    assert api.post("/api/events/", body, format="json").status_code == 201


def test_cancel_and_complete_notes_are_bounded(head, make_event):
    event = make_event(state="published")
    head.post(f"/events/{event.pk}/cancel/", {"reason": "因" * 501})
    event.refresh_from_db()
    assert event.state == "published"
    head.post(f"/events/{event.pk}/complete/", {"results_note": "好" * (DESCRIPTION_MAX + 1)})
    event.refresh_from_db()
    assert event.state == "published" and event.results_note == ""


def test_plan_note_is_bounded(head, tuanjie_station):
    head.post("/plans/2026-12/submit/", {"position": tuanjie_station.pk, "note": "计" * 2001})
    assert not MonthlyPlan.objects.filter(note__startswith="计").exists()


def _repair():
    """The data migration's function (found by name: its number moves when others land)."""
    folder = Path(importlib.import_module("events.migrations").__file__).parent
    name = next(folder.glob("*_repair_out_of_range.py")).stem
    importlib.import_module(f"events.migrations.{name}").repair(django_apps, None)


def test_migration_repairs_stored_bad_dates_so_lists_work_again(
    client, head, make_event, superuser
):
    early = make_event(title="早")
    late = make_event(title="晚", state="published")
    huge = make_event(title="长")
    Event.objects.filter(pk=early.pk).update(
        start=dt.datetime(1, 1, 2, 9, tzinfo=dt.UTC), end=dt.datetime(1, 1, 2, 10, tzinfo=dt.UTC)
    )
    Event.objects.filter(pk=late.pk).update(
        start=dt.datetime(9999, 12, 30, 9, tzinfo=dt.UTC),
        end=dt.datetime(9999, 12, 30, 10, tzinfo=dt.UTC),
    )
    Event.objects.filter(pk=huge.pk).update(description="x" * (DESCRIPTION_MAX + 10))
    _repair()
    for event in (early, late, huge):
        event.refresh_from_db()
        start, end = timezone.localtime(event.start), timezone.localtime(event.end)
        assert 2000 <= start.year <= 2100 and 2000 <= end.year <= 2100
        assert event.start <= event.end
    assert early.start == at(2000, 1, 1, 0) and late.start.year == 2100
    assert len(huge.description) == DESCRIPTION_MAX
    assert head.get("/events/").status_code == 200
    assert head.get(f"/events/{early.pk}/").status_code == 200
    assert client.get("/api/events/").status_code == 200
    _repair()  # idempotent
    early.refresh_from_db()
    assert early.start == at(2000, 1, 1, 0)
