"""Overdue is computed when read (``Order.is_overdue`` / ``Order.overdue_q``), not a flag that
only the 15-minute beat set: the ``is_overdue`` column goes. What the clock cannot tell is kept
in ``held_at_deadline``: an order waiting again after someone held it when its deadline ran out
(accepted in time, released later) is not overdue. Written by ``order_release`` from now on;
here, for the orders waiting today, from their status-change rows (the rule of
``reports.figures.order_overdue_at``, copied so that this migration keeps its meaning)."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

WAITING = ("submitted", "open")


def mark_held(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    OrderStatusChange = apps.get_model("orders", "OrderStatusChange")
    window = dt.timedelta(hours=settings.WENMING_ORDER_OVERDUE_HOURS)
    # Only an order that was accepted once can have been held at its deadline.
    candidates = Order.objects.filter(
        status__in=WAITING,
        created_at__lte=timezone.now() - window,
        status_changes__to_status="accepted",
    ).distinct()
    held = []
    for order_id, created_at in candidates.values_list("pk", "created_at").iterator():
        deadline = created_at + window
        status = "submitted"
        changes = OrderStatusChange.objects.filter(order_id=order_id, created_at__lte=deadline)
        for to_status in changes.order_by("created_at", "id").values_list("to_status", flat=True):
            status = to_status
        if status not in WAITING:
            held.append(order_id)
    Order.objects.filter(pk__in=held).update(held_at_deadline=True)


class Migration(migrations.Migration):
    dependencies = [("orders", "0012_english_names_builtin")]

    operations = [
        migrations.AddField(
            model_name="order",
            name="held_at_deadline",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="接单时限届满时已有人接单"
            ),
        ),
        migrations.RunPython(mark_held, migrations.RunPython.noop),
        migrations.RemoveField(model_name="order", name="is_overdue"),
    ]
