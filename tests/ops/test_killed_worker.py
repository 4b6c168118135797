"""A worker killed with -9 in the middle of the calendar compile: the task is not lost. Redis
hands it to the next worker after the visibility timeout, and the month is published exactly
once.

"Mid-compile" is made certain without timing: this test holds the month's advisory lock (the
one ``events.calendar`` takes inside the compile's transaction), so the first worker is stopped
inside the task until it is killed. Everything waits by polling with deadlines.
"""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from events.models import PublishedCalendar
from events.tasks import compile_month
from tests.events.conftest import at
from tests.ops.conftest import database_url, wait_for

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (Redis)"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker processes must share the test database (PostgreSQL)",
    ),
]

MONTH_LOCK = 0x57454E00 + 2026 * 100 + 12  # events.calendar._month_lock for 2026-12
# Short enough for a test, longer than the compile takes: Redis redelivers after this.
VISIBILITY = "8"


def _waiting_on_month_lock(conn: psycopg.Connection) -> bool:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND query LIKE %s AND pid <> pg_backend_pid()",
        ["%pg_advisory_xact_lock%"],
    ).fetchone()
    return row[0] > 0


@pytest.mark.django_db(transaction=True)
def test_killed_mid_compile_is_published_once(make_event, workers):
    planned = make_event(state="planned", start=at(2026, 12, 3, 9))
    make_event(state="published", start=at(2026, 12, 20, 9))
    queue = f"killed-{uuid.uuid4().hex[:10]}"
    # The new worker looks for the killed one's task every second instead of every 100 s.
    env = {"CELERY_VISIBILITY_TIMEOUT": VISIBILITY, "CELERY_UNACKED_RESTORE_SECONDS": "1"}
    broker = settings.CELERY_BROKER_URL

    with psycopg.connect(database_url(), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [MONTH_LOCK])
        first = workers(broker=broker, queue=queue, env=env)
        result = compile_month.apply_async(args=(2026, 12), queue=queue)
        wait_for(
            lambda: _waiting_on_month_lock(holder),
            timeout=120,
            what="the first worker to be inside the compile",
        )
        first.kill()
        holder.execute("SELECT pg_advisory_unlock(%s)", [MONTH_LOCK])

    assert not PublishedCalendar.objects.exists()  # the killed worker published nothing
    workers(broker=broker, queue=queue, env=env)
    summary = result.get(timeout=180)
    assert summary["created"] is True and summary["version"] == 1
    assert summary["event_count"] == 2
    calendar = PublishedCalendar.objects.get(month=dt.date(2026, 12, 1))
    assert f"event-{planned.pk}@wenming" in calendar.ics_text
    # Exactly once: a second delivery, or another run, finds the month unchanged.
    again = compile_month.apply_async(args=(2026, 12), queue=queue).get(timeout=120)
    assert again["created"] is False
    assert PublishedCalendar.objects.count() == 1
