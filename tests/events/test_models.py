import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from events.models import CheckIn, MonthlyPlan, PublishedCalendar
from tests.events.factories import EventFactory


def test_monthly_plan_unique_per_position_and_month(tuanjie_station):
    month = dt.date(2026, 12, 1)
    MonthlyPlan.objects.create(position=tuanjie_station, month=month)
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthlyPlan.objects.create(position=tuanjie_station, month=month)


def test_checkin_repeat_phone_refused_by_constraint(tuanjie, lecture_category):
    event = EventFactory(village=tuanjie, category=lecture_category)
    CheckIn.objects.create(event=event, name="李大娘", phone="13812341234")
    with pytest.raises(IntegrityError), transaction.atomic():
        CheckIn.objects.create(event=event, name="李大娘", phone="13812341234")


def test_calendar_versions_unique_per_month_but_content_may_repeat(db):
    """An edit undone publishes an earlier version's content again (issue #18): only the
    version number is unique per month."""
    kwargs = {"month": dt.date(2026, 12, 1), "event_count": 0, "json_text": "{}", "ics_text": ""}
    PublishedCalendar.objects.create(version=1, content_hash="a" * 64, **kwargs)
    PublishedCalendar.objects.create(version=2, content_hash="b" * 64, **kwargs)
    PublishedCalendar.objects.create(version=3, content_hash="a" * 64, **kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedCalendar.objects.create(version=3, content_hash="c" * 64, **kwargs)
