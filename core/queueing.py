"""Queueing a Celery task once the current transaction commits.

A task queued inside a transaction could run before the commit (and not see the rows) or
after a rollback (and act on rows that never existed), so every service queues through
``delay_on_commit``. A broker outage is logged, never raised: the change is already
committed and the person who made it must not see an error for a side effect. Whatever must
not be lost has its own record and a second path (the webhook's delivery row and the admin's
"retry" action; the nightly rollup rebuild).

After a failed publish, this process does not try the broker again for ``RETRY_SECONDS``: each
attempt against a dead broker costs a second or more of the resident's request, and what is
skipped is recovered by the same second paths as a failed publish.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from kombu.exceptions import KombuError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10.0
_broker_down_until = 0.0


def _publish(task, *args, **kwargs) -> bool:
    """``task.delay(…)`` now, unless the broker failed a moment ago; a failure is logged.
    Whether the broker took it."""
    global _broker_down_until  # noqa: PLW0603 - one process-wide breaker
    if time.monotonic() < _broker_down_until:
        logger.warning("could not queue %s%r: broker down a moment ago", task.name, args)
        return False
    try:
        task.delay(*args, **kwargs)
    # kombu's OperationalError when the broker is unreachable; OSError for sockets and
    # timeouts below it. Anything else is a bug and propagates.
    except (KombuError, OSError) as exc:
        _broker_down_until = time.monotonic() + RETRY_SECONDS
        logger.warning("could not queue %s%r: %s", task.name, args, type(exc).__name__)
        return False
    return True


def delay_on_commit(task, *args, **kwargs) -> None:
    """``task.delay(*args, **kwargs)`` after the current transaction commits (at once outside
    one). Arguments are ids and plain values; they are logged on a broker outage, so never
    pass personal data."""

    def send() -> None:
        send.sent = True
        _publish(task, *args, **kwargs)

    # The same task with the same arguments queued twice by one transaction (two notices of
    # one cause, two markers for the rollups) runs once: the second would find nothing to do.
    # A callback already run (a test's captured commit runs them and leaves them in the list)
    # does not count: what is queued after it is new work.
    key = (task.name, args, tuple(sorted(kwargs.items())))
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "queue_key", None) == key and not getattr(func, "sent", False)
        for _sids, func, _robust in connection.run_on_commit
    ):
        return
    send.queue_key = key
    transaction.on_commit(send)


# How long a queued drain keeps later commits from queueing another: the drain clears it when it
# starts, so this only matters when its message is lost (then the periodic sweep runs it).
COALESCE_SECONDS = 30


def _coalesce_key(task) -> str:
    return f"wm:queued:{task.name}"


def delay_coalesced_on_commit(task) -> None:
    """Queue ``task`` (no arguments: it drains markers its callers wrote in their
    transactions) after the commit, unless one queued earlier has not started yet.

    Under load, every request would otherwise publish a message, and the worker would run one
    drain per request that mostly finds the work already done: one message per batch instead.
    Safe because the drain clears the flag (``coalesced_started``) *before* it reads the
    markers: a marker committed before the flag was cleared is read by that drain, and one
    committed after it finds no flag and queues a drain of its own. The flag lives in the
    shared cache; without the cache every commit queues its drain, as ``delay_on_commit``
    does, and the task's periodic sweep (beat) drains what a broker outage left.
    """
    from django.core.cache import cache

    def send() -> None:
        send.sent = True
        # False: one is queued and has not started. None: the cache is down (core.cache), so
        # nobody can know: queue it, as delay_on_commit would.
        key = _coalesce_key(task)
        if cache.add(key, 1, timeout=COALESCE_SECONDS) is not False and not _publish(task):
            cache.delete(key)  # nothing is queued: the next commit tries the broker again

    key = ("coalesced", task.name)
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(func, "queue_key", None) == key and not getattr(func, "sent", False)
        for _sids, func, _robust in connection.run_on_commit
    ):
        return  # this transaction already queues the drain
    send.queue_key = key
    transaction.on_commit(send)


def coalesced_started(task) -> None:
    """Called first by a task queued with ``delay_coalesced_on_commit``: later commits queue
    another run, since this one may already have read past their markers."""
    from django.core.cache import cache

    cache.delete(_coalesce_key(task))
