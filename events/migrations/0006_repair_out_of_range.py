"""Repair rows stored before the 2000-2100 rule and the text limits (issue 14).

The event form took years 0001 and 9999; such an event made every event list (station, town,
city, ``GET /api/events/``) answer 500 and could not be opened or removed. Its dates are moved to
the nearest bound (2000-01-01 00:00 or 2100-12-31 23:59, Asia/Shanghai), keeping the end after
the start; over-long texts are cut to the limit. Done with UPDATEs that never load a bad row
into Python (reading one is what failed). Safe to run again: repaired rows match nothing.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations
from django.db.models import DateTimeField, F, Q, Value
from django.db.models.functions import Greatest, Least, Left, Length

SHANGHAI = ZoneInfo("Asia/Shanghai")
LOW = dt.datetime(2000, 1, 1, 0, 0, tzinfo=SHANGHAI)
HIGH = dt.datetime(2100, 12, 31, 23, 59, tzinfo=SHANGHAI)
LIMITS = {"description": 5000, "results_note": 5000, "cancel_reason": 500}


def repair(apps, schema_editor):
    Event = apps.get_model("events", "Event")
    MonthlyPlan = apps.get_model("events", "MonthlyPlan")
    # Both ends clamped in one UPDATE: clamping keeps their order, so the row satisfies
    # event_ends_after_start at every step.
    outside = Q(start__lt=LOW) | Q(start__gt=HIGH) | Q(end__lt=LOW) | Q(end__gt=HIGH)
    Event.objects.filter(outside).update(
        start=Least(Greatest(F("start"), Value(LOW, DateTimeField())), Value(HIGH, DateTimeField())),
        end=Least(Greatest(F("end"), Value(LOW, DateTimeField())), Value(HIGH, DateTimeField())),
    )
    for name, limit in LIMITS.items():
        Event.objects.annotate(n=Length(name)).filter(n__gt=limit).update(**{name: Left(name, limit)})
    MonthlyPlan.objects.annotate(n=Length("note")).filter(n__gt=2000).update(note=Left("note", 2000))


class Migration(migrations.Migration):
    dependencies = [("events", "0005_text_limits")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
