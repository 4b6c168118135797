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


def delay_on_commit(task, *args, **kwargs) -> None:
    """``task.delay(*args, **kwargs)`` after the current transaction commits (at once outside
    one). Arguments are ids and plain values; they are logged on a broker outage, so never
    pass personal data."""

    def send() -> None:
        global _broker_down_until  # noqa: PLW0603 - one process-wide breaker
        send.sent = True
        if time.monotonic() < _broker_down_until:
            logger.warning("could not queue %s%r: broker down a moment ago", task.name, args)
            return
        try:
            task.delay(*args, **kwargs)
        # kombu's OperationalError when the broker is unreachable; OSError for sockets and
        # timeouts below it. Anything else is a bug and propagates.
        except (KombuError, OSError) as exc:
            _broker_down_until = time.monotonic() + RETRY_SECONDS
            logger.warning("could not queue %s%r: %s", task.name, args, type(exc).__name__)

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
