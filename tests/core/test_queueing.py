"""``core.queueing.delay_on_commit``: a task queued inside a transaction is sent once the
transaction commits, never before and never after a rollback; outside a transaction, at once.

pytest-django's test transaction never commits: ``django_capture_on_commit_callbacks(execute=True)``
runs what a commit would; one test commits for real."""

import pytest
from django.db import transaction

from core.queueing import coalesced_started, delay_coalesced_on_commit, delay_on_commit


class _Task:
    """Stands in for a Celery task: what ``delay`` was called with, in order."""

    name = "tests.record"

    def __init__(self):
        self.sent = []

    def delay(self, *args, **kwargs):
        self.sent.append((args, kwargs))


@pytest.mark.django_db
def test_sent_once_after_the_commit_and_not_before(django_capture_on_commit_callbacks):
    task = _Task()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            delay_on_commit(task, 7, kind="notice")
            assert task.sent == []  # the rows it will read are not committed yet
        assert task.sent == []
    assert task.sent == [((7,), {"kind": "notice"})]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_not_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    task = _Task()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            delay_on_commit(task, 7)
            raise RuntimeError("the change failed")
        delay_on_commit(task, 8)  # what the transaction queues after the rollback still goes
    assert task.sent == [((8,), {})]
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_the_same_task_queued_twice_in_one_transaction_is_sent_once(
    django_capture_on_commit_callbacks,
):
    task = _Task()
    with django_capture_on_commit_callbacks(execute=True):
        delay_on_commit(task, 7, kind="notice")
        delay_on_commit(task, 7, kind="notice")
        delay_on_commit(task, 7, kind="reminder")  # other arguments: other work
    assert task.sent == [((7,), {"kind": "notice"}), ((7,), {"kind": "reminder"})]


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_sends_it_and_outside_a_transaction_it_goes_at_once():
    task = _Task()
    with transaction.atomic():
        delay_on_commit(task, 7)
        assert task.sent == []
    assert task.sent == [((7,), {})]
    delay_on_commit(task, 8)  # autocommit: nothing to wait for
    assert task.sent == [((7,), {}), ((8,), {})]


@pytest.mark.django_db
def test_a_coalesced_drain_is_queued_once_until_it_starts(django_capture_on_commit_callbacks):
    """Under load every commit would queue a drain that mostly finds nothing left: one is queued
    until it starts; a commit after its start queues the next (its marker may come too late)."""
    task = _Task()
    for _ in range(3):  # three requests' commits while the drain waits in the queue
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            delay_coalesced_on_commit(task)
            delay_coalesced_on_commit(task)  # twice in one transaction: one callback
    assert task.sent == [((), {})]
    coalesced_started(task)  # the worker starts it: it reads the markers from here on
    with django_capture_on_commit_callbacks(execute=True):
        delay_coalesced_on_commit(task)
    assert task.sent == [((), {}), ((), {})]


@pytest.mark.django_db
def test_a_coalesced_drain_is_not_queued_after_a_rollback(django_capture_on_commit_callbacks):
    task = _Task()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            delay_coalesced_on_commit(task)
            raise RuntimeError("the change failed")
    assert task.sent == []


@pytest.mark.django_db
def test_without_the_cache_every_commit_queues_its_drain(django_capture_on_commit_callbacks):
    from django.test import override_settings

    from tests.ops.conftest import closed_url

    task = _Task()
    caches = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": closed_url()}}
    with override_settings(CACHES=caches):
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                delay_coalesced_on_commit(task)
    assert task.sent == [((), {}), ((), {})]
