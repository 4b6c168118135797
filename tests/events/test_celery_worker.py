"""The calendar compiled by a real Celery worker on Redis, against the test database.

The worker is a separate process, so the data must be committed (``transactional_db``) and the
worker must use the test database (pytest-django's ``test_<name>``): its DATABASE_URL is built
from the live connection settings and passed explicitly. Each run uses its own queue, so two
runs at once (or a developer's worker on the same Redis) never take each other's tasks.
"""

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from events.calendar import calendar_compile
from events.models import PublishedCalendar
from events.tasks import compile_month
from tests.events.conftest import at

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL, reason="needs CELERY_BROKER_URL (Redis)"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker process cannot see SQLite's in-memory test database",
    ),
]


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait_until_ready(worker: subprocess.Popen, name: str, timeout: float = 90.0) -> None:
    """Until the worker answers a ping: a task published before it has declared its queue is
    dropped by the broker (nothing is bound to the queue's name yet), and the worker takes
    10-20 s to start on a busy machine."""
    from config.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and worker.poll() is None:
        if app.control.ping(destination=[name], timeout=1.0):
            return
    raise AssertionError(f"the test worker {name} did not start within {timeout:.0f} s")


@pytest.fixture
def worker_queue():
    queue = f"wenming-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": settings.CELERY_RESULT_BACKEND,
        "DATABASE_CONN_MAX_AGE": "0",
        # The worker runs on the machine's clock: with the quiet hours (22:00-07:00 Shanghai) it
        # held every SMS of a test run at night (the test sets them off in its own process only).
        "WENMING_SMS_QUIET_HOURS": "",
    }
    worker = subprocess.Popen(  # noqa: S603 - fixed arguments, our own interpreter
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{queue}@%h",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_ready(worker, f"{queue}@{socket.gethostname()}")
        yield queue
    finally:
        worker.terminate()
        try:
            output, _unused = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _unused = worker.communicate()
        if output:
            sys.stdout.write(output.decode(errors="replace")[-4000:])


@pytest.mark.django_db(transaction=True)
def test_worker_compiles_the_month(make_event, worker_queue):
    planned = make_event(state="planned", start=at(2026, 12, 3, 9))
    published = make_event(state="published", start=at(2026, 12, 31, 23, 30), hours=0)
    make_event(start=at(2026, 12, 4, 9))  # a draft stays out

    result = compile_month.apply_async(args=(2026, 12), queue=worker_queue).get(timeout=90)
    assert result["created"] is True and result["version"] == 1
    assert result["event_count"] == 2
    calendar = PublishedCalendar.objects.get(month=dt.date(2026, 12, 1))
    assert calendar.content_hash == result["content_hash"]
    assert f"event-{planned.pk}@wenming" in calendar.ics_text
    assert f"event-{published.pk}@wenming" in calendar.ics_text

    again = compile_month.apply_async(args=(2026, 12), queue=worker_queue).get(timeout=60)
    assert again["created"] is False and again["version"] == 1
    assert calendar_compile(month=dt.date(2026, 12, 1)).created is False
    assert PublishedCalendar.objects.count() == 1
