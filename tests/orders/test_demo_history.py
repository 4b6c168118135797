"""The demo order history: realistic shape, consistent with the workflow's rules."""

import datetime as dt
import io
import random
import re
from collections import Counter

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from orders import demo_history
from orders.models import Order, OrderNumberSequence, OrderStatusChange, VolunteerSkill
from portal import seeding
from reports import figures
from stations.models import Village
from volunteers.models import Volunteer

S = Order.Status
SMALL = 3000


@pytest.fixture(scope="module")
def _history(django_db_setup, django_db_blocker):
    patch = pytest.MonkeyPatch()
    patch.setattr(demo_history, "ORDERS_PER_SCALE", SMALL)
    ctx = seeding.SeedContext(
        rng=random.Random(2021), scale=1, now=timezone.now(), stdout=io.StringIO(), quiet=True
    )
    steps = [s for s in seeding.STEPS if s[0] in {"places", "teams", "menu", "orders"}]
    try:
        with django_db_blocker.unblock():
            try:
                with transaction.atomic():
                    seeding.run_steps(ctx, steps)
                yield ctx
            finally:
                with transaction.atomic():
                    seeding.delete_domain_data()
    finally:
        patch.undo()  # even after a failed seed: test_demo_scale.py reads the real size


@pytest.fixture
def history(_history, db):
    return _history


def test_every_state_and_consistent_history(history):
    orders = Order.objects.count()
    assert SMALL * 0.9 <= orders <= SMALL * 1.1
    states = Counter(Order.objects.values_list("status", flat=True))
    assert set(states) == set(S.values)
    assert states[S.RATED] > states[S.REJECTED]
    # Every order starts with a "submitted" row and its last row is its current status.
    firsts = OrderStatusChange.objects.filter(from_status="").count()
    assert firsts == orders
    last = {}
    for order_id, to_status in OrderStatusChange.objects.order_by(
        "order_id", "created_at", "id"
    ).values_list("order_id", "to_status"):
        last[order_id] = to_status
    assert last == dict(Order.objects.values_list("id", "status"))
    # The constraints of the workflow hold.
    owned = Order.objects.filter(status__in=[S.ACCEPTED, S.COMPLETED, S.RATED])
    assert not owned.filter(accepted_by__isnull=True, accepted_team__isnull=True).exists()
    assert not Order.objects.filter(status=S.RATED, stars__isnull=True).exists()
    assert not Order.objects.filter(created_at__gt=history.now).exists()
    assert not OrderStatusChange.objects.filter(created_at__gt=history.now).exists()


def test_numbers_follow_months_and_sequences_continue(history):
    numbers = list(Order.objects.values_list("number", "created_at"))
    assert all(re.fullmatch(r"WM-\d{6}-\d{6}", n) for n, _ in numbers)
    per_month = Counter(n[3:9] for n, _ in numbers)
    assert dict(OrderNumberSequence.objects.values_list("month", "last")) == per_month
    assert len(per_month) in (12, 13)
    for number, created in numbers[:200]:
        assert number[3:9] == timezone.localtime(created).strftime("%Y%m")


def test_realistic_spread(history):
    stars = Counter(Order.objects.exclude(stars=None).values_list("stars", flat=True))
    assert stars[5] > stars[4] > stars[3] and stars[1] > 0
    assert Order.objects.filter(needs_follow_up=True).exists()
    assert Order.objects.filter(followed_up_at__isnull=False).exists()
    waiting = Order.objects.filter(status__in=Order.WAITING)
    assert waiting.filter(Order.overdue_q(history.now)).exists()
    # The history's waiting orders are overdue by the orders' rule exactly when the reports,
    # judging from the status-change rows, say so (a release after the deadline included).
    for order in waiting.prefetch_related("status_changes"):
        rows = sorted(order.status_changes.all(), key=lambda c: (c.created_at, c.pk))
        due = figures.order_overdue_at(
            status=order.status,
            created_at=order.created_at,
            changes=[(c.created_at, c.to_status) for c in rows],
        )
        assert Order.overdue_now(
            status=order.status,
            created_at=order.created_at,
            held_at_deadline=order.held_at_deadline,
            now=history.now,
        ) == figures.counts_as_overdue(due, history.now), order.number
    # Some villages have no order in some month.
    month_start = timezone.localtime(history.now).replace(day=1, hour=0, minute=0) - dt.timedelta(
        days=40
    )
    active = Order.objects.filter(
        created_at__gte=month_start, created_at__lt=month_start + dt.timedelta(days=30)
    )
    assert active.values("village").distinct().count() < Village.objects.count()
    # Response times vary: some accepted within hours, some after two days.
    accepted = Order.objects.filter(accepted_at__isnull=False).values_list(
        "created_at", "accepted_at"
    )
    waits = [(a - c).total_seconds() / 3600 for c, a in accepted]
    assert min(waits) < 6 and max(waits) > 48


def test_open_orders_in_tuanjie_for_the_demo_volunteer(history):
    tuanjie = Village.objects.get(name="团结村", town__name="洪绪镇")
    volunteer = demo_history.demo_volunteer(tuanjie)
    skills = VolunteerSkill.objects.filter(volunteer=volunteer).values_list(
        "category_id", flat=True
    )
    matching = Order.objects.filter(village=tuanjie, status=S.OPEN, category_id__in=skills)
    assert matching.count() >= 6
    assert Order.objects.filter(accepted_by=volunteer, status=S.RATED).exists()


def test_volunteer_hours_include_completed_orders(history):
    earned = (
        Order.objects.filter(status__in=[S.COMPLETED, S.RATED], accepted_by__isnull=False)
        .values("accepted_by")
        .annotate(total=Sum("hours"))
        .order_by("-total")[:5]
    )
    for row in earned:
        volunteer = Volunteer.objects.get(pk=row["accepted_by"])
        assert volunteer.hours_total >= row["total"]
    assert Order.objects.values("accepted_by").annotate(n=Count("id")).count() > 10


def test_tracking_tokens_are_not_reproducible_from_the_seed():
    """The seed is public (README: 2021): the demo's tracking links must not follow from it."""
    ctx = seeding.SeedContext(
        rng=random.Random(2021), scale=1, now=timezone.now(), stdout=io.StringIO(), quiet=True
    )
    again = seeding.SeedContext(
        rng=random.Random(2021), scale=1, now=timezone.now(), stdout=io.StringIO(), quiet=True
    )
    first = [demo_history._History(ctx).token() for _ in range(5)]
    second = [demo_history._History(again).token() for _ in range(5)]
    assert not set(first) & set(second)
    assert len(set(first)) == 5
    # The rest of the seeded sequence is unchanged by the tokens.
    assert ctx.rng.random() == again.rng.random()


def test_the_history_comes_through_several_doors(history):
    channels = Counter(Order.objects.values_list("channel", flat=True))
    assert set(channels) == {Order.Channel.WEB, Order.Channel.KIOSK, Order.Channel.API}
    assert channels[Order.Channel.WEB] > channels[Order.Channel.KIOSK] > channels[Order.Channel.API]
