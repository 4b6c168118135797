import datetime as dt
import random
from io import StringIO

import pytest
import time_machine

from core.months import add_months, bounds
from events.demo import seed_events
from events.models import Event, EventVolunteer, MonthlyPlan, PublishedCalendar
from portal.seeding import SeedContext
from tests import factories as f
from tests.events.conftest import at

pytestmark = pytest.mark.django_db


def test_seed_events_shape(lecture_category, theory_platform):
    stations = [f.StationFactory() for _ in range(40)]
    for station in stations:
        f.VolunteerFactory(home_village=station.village)
    now = at(2026, 11, 20, 10)
    ctx = SeedContext(rng=random.Random(7), scale=1, now=now, stdout=StringIO(), quiet=True)
    with time_machine.travel(now, tick=False):
        seed_events(ctx)

    this_month = dt.date(2026, 11, 1)
    first = add_months(this_month, -12)
    past_start, _ = bounds(first)
    this_start, _ = bounds(this_month)
    past = Event.objects.filter(start__gte=past_start, start__lt=this_start)
    assert past.count() >= 40 * 12 * 0.6  # ~0.9 per station-month
    assert past.filter(state="done").count() > past.count() * 0.9
    # Some villages miss some months.
    months_per_village = {
        v: len({(e.year, e.month) for e in past.filter(village=v).values_list("start", flat=True)})
        for v in past.values_list("village", flat=True).distinct()
    }
    assert min(months_per_village.values()) < 12
    # Plans: most submitted, next month's present.
    next_month = add_months(this_month, 1)
    assert MonthlyPlan.objects.filter(month=next_month).exists()
    old = MonthlyPlan.objects.filter(month__lt=this_month)
    assert old.filter(status="submitted").count() > old.count() * 0.8
    # Every month published: 12 past, this one and next.
    assert PublishedCalendar.objects.count() == 14
    assert set(PublishedCalendar.objects.values_list("version", flat=True)) == {1}
    # Hours credited to the volunteers who served.
    served = EventVolunteer.objects.filter(hours_credited=True).select_related("volunteer").first()
    assert served is not None and served.volunteer.hours_total > 0
