"""``core.queueing.delay_on_commit``: a task queued inside a transaction is sent once the
transaction commits, never before and never after a rollback; outside a transaction, at once.

pytest-django's test transaction never commits: ``django_capture_on_commit_callbacks(execute=True)``
runs what a commit would; one test commits for real."""

import pytest
from django.db import transaction

from core.queueing import delay_on_commit


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
