"""Repair order dates stored before the 2000-2100 rule (issue 14): a preferred or service date
outside it is a typo nobody can act on, so it is cleared (both are optional). UPDATEs only, so
no bad row is loaded into Python; safe to run again."""

import datetime as dt

from django.db import migrations
from django.db.models import Q

LOW, HIGH = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def repair(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for name in ("preferred_date", "service_date"):
        outside = Q(**{f"{name}__lt": LOW}) | Q(**{f"{name}__gt": HIGH})
        Order.objects.filter(outside).update(**{name: None})


class Migration(migrations.Migration):
    dependencies = [("orders", "0006_order_anonymised_at")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
