"""A fulfilled wish reaches the coverage report the way orders do (issue 13): the fulfilment
writes a ``RollupPending`` marker in its own transaction and queues ``reports.refresh_pending``
for after the commit; the request itself recomputes nothing, and a refresh the broker never got
is done by the periodic sweep."""

import datetime as dt

import pytest
import time_machine

from core.errors import NotInScope
from reports import services as report_services
from reports import tasks as report_tasks
from reports.models import RollupPending, VillageMonthCategory
from tests.privacy.conftest import SHANGHAI
from wishes import services
from wishes.models import Wish


def fulfilled_rows(village) -> list[tuple]:
    return list(
        VillageMonthCategory.objects.filter(village=village, wishes_fulfilled__gt=0).values_list(
            "month", "wishes_fulfilled", "services"
        )
    )


def test_the_fulfilment_marks_the_village_and_the_refresh_runs_after_the_commit(
    open_wish, volunteer, django_capture_on_commit_callbacks
):
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.wish_fulfil(wish_id=open_wish.pk, actor=volunteer.user, note="已办好")
        # Inside the fulfilment's transaction: the marker, and no report row yet.
        marker = RollupPending.objects.get()
        assert (marker.village_id, marker.wish_id) == (open_wish.village_id, open_wish.pk)
        assert fulfilled_rows(open_wish.village) == []
    assert queued  # reports.refresh_pending, sent once the fulfilment commits
    # What the worker does with it (run here: with a broker, tests have no worker).
    assert report_tasks.refresh_pending.apply().get() == {"villages": 1, "failed": 0}
    assert not RollupPending.objects.exists()
    open_wish.refresh_from_db()
    local = open_wish.fulfilled_at.astimezone(SHANGHAI)
    month = dt.date(local.year, local.month, 1)
    assert fulfilled_rows(open_wish.village) == [(month, 1, 1)]


def test_only_the_fulfilment_marks_anything(wish, station_head, volunteer):
    services.wish_approve(wish_id=wish.pk, actor=station_head)
    services.wish_claim(wish_id=wish.pk, actor=volunteer.user)
    services.wish_release(wish_id=wish.pk, actor=volunteer.user, reason="临时有事")
    assert not RollupPending.objects.exists()


def test_a_refresh_the_broker_never_took_is_done_by_the_sweep(
    open_wish, volunteer, django_capture_on_commit_callbacks
):
    """The broker is down: the queued task is lost, the marker is not."""
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    with django_capture_on_commit_callbacks(execute=False):  # nothing is ever sent
        with time_machine.travel(dt.datetime(2026, 10, 31, 23, 30, tzinfo=SHANGHAI)):
            services.wish_fulfil(wish_id=open_wish.pk, actor=volunteer.user, note="已办好")
    assert RollupPending.objects.filter(wish_id=open_wish.pk).exists()
    assert fulfilled_rows(open_wish.village) == []
    assert report_tasks.refresh_pending.apply().get() == {"villages": 1, "failed": 0}
    # Fulfilled at 23:30 on 31 October in Shanghai (15:30 UTC): October's service.
    assert fulfilled_rows(open_wish.village) == [(dt.date(2026, 10, 1), 1, 1)]
    assert not RollupPending.objects.exists()
    assert report_services.refresh_pending() == {"villages": 0, "failed": 0}


def test_a_failed_fulfilment_leaves_no_marker(open_wish, volunteer, town_volunteer):
    services.wish_claim(wish_id=open_wish.pk, actor=volunteer.user)
    with pytest.raises(NotInScope):  # someone else's wish
        services.wish_fulfil(wish_id=open_wish.pk, actor=town_volunteer.user, note="不是我认领的")
    assert Wish.objects.get(pk=open_wish.pk).status == Wish.Status.CLAIMED
    assert not RollupPending.objects.exists()
