import datetime as dt

import pytest
import time_machine
from django.conf import settings

from config.celery import app
from events.models import PublishedCalendar
from events.tasks import compile_current_month, compile_next_month
from tests.events.conftest import at


def test_beat_entries():
    nxt = settings.CELERY_BEAT_SCHEDULE["events-compile-next-month"]
    assert nxt["task"] == "events.tasks.compile_next_month"
    assert nxt["schedule"].hour == {8} and nxt["schedule"].minute == {0}
    assert nxt["schedule"].day_of_month == {settings.WENMING_CALENDAR_COMPILE_DAY}
    nightly = settings.CELERY_BEAT_SCHEDULE["events-recompile-current-month"]
    assert nightly["task"] == "events.tasks.compile_current_month"
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


@pytest.mark.django_db
def test_next_and_current_month_follow_shanghai_time(make_event, eager_celery):
    make_event(state="planned", start=at(2026, 12, 10, 9))
    make_event(state="planned", start=at(2027, 1, 10, 9))
    # 31 Dec 2026 16:30 UTC is already 1 Jan 2027 00:30 in Shanghai.
    with time_machine.travel(dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC), tick=False):
        assert compile_current_month.delay().get(timeout=10)["month"] == "2027-01"
        assert compile_next_month.delay().get(timeout=10)["month"] == "2027-02"
    with time_machine.travel(dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC), tick=False):
        assert compile_current_month.delay().get(timeout=10)["month"] == "2026-12"
    assert set(PublishedCalendar.objects.values_list("month", flat=True)) == {
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 1),
    }


@pytest.mark.django_db
def test_nightly_recompiles_every_published_month_the_feed_serves(
    client, make_event, station_head, eager_celery
):
    """An event done after its month ended, or next month's event edited after the compile
    day, must not leave those months' published calendars stale (issue #18): the nightly run
    recompiles each month the feed serves that is already published, and publishes none early."""
    from events import services
    from events.calendar import calendar_compile

    task = app.tasks[settings.CELERY_BEAT_SCHEDULE["events-recompile-current-month"]["task"]]
    with time_machine.travel(at(2026, 8, 20, 10, 0), tick=False):
        events = {
            m: make_event(state="published", start=at(y, m, 10, 9))
            for y, m in ((2026, 9), (2026, 10), (2026, 11), (2027, 1), (2027, 2))
        }
        for month in (dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)):
            calendar_compile(month=month)
        calendar_compile(month=dt.date(2027, 1, 1))
    with time_machine.travel(at(2026, 12, 5, 2, 30), tick=False):
        services.event_complete(user=station_head, event=events[9], attendance=5)
        services.event_complete(user=station_head, event=events[11], attendance=20)
        services.event_update(user=station_head, event=events[1], title="新年联欢")
        result = task.delay().get(timeout=10)
        feed = client.get("/calendar/feed.ics").content.decode()
    assert (result["month"], result["version"], result["created"]) == ("2026-12", 1, True)
    assert [(r["month"], r["version"], r["created"]) for r in result["refreshed"]] == [
        ("2026-10", 1, False),
        ("2026-11", 2, True),
        ("2027-01", 2, True),
    ]
    november = client.get("/api/calendars/2026-11/").json()
    assert [e["state"] for e in november["events"]] == ["done"]
    january = client.get("/api/calendars/2027-01/").json()
    assert [e["title"] for e in january["events"]] == ["新年联欢"]
    assert "SUMMARY:新年联欢" in feed
    # Outside the feed's months, or never published: left as they are.
    versions = dict(PublishedCalendar.objects.values_list("month", "version"))
    assert versions[dt.date(2026, 9, 1)] == 1
    assert dt.date(2027, 2, 1) not in versions
