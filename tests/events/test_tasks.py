import datetime as dt

import pytest
import time_machine
from django.conf import settings

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
def test_next_and_current_month_follow_shanghai_time(make_event, celery_eager):
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
