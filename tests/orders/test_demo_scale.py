from django.utils import timezone

from orders import demo_history


def test_full_scale_gives_at_least_30000_orders_a_year():
    # In its own module: test_demo_history.py shrinks the history for its module-wide seed.
    months = demo_history._month_starts(timezone.now())
    assert len(months) == 12
    assert sum(demo_history.monthly_counts(months, 1)) >= 30_000
    assert sum(demo_history.monthly_counts(months, 2)) >= 60_000
