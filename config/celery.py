"""Celery application.

With no CELERY_BROKER_URL the settings make every task run eagerly in-process, so a newcomer
needs no broker. With one set, run a worker and exactly one beat:

    uv run celery -A config worker -l info
    uv run celery -A config beat -l info

Workers record signs of life for ``/readyz`` (``config.liveness``): when they start, from their
heartbeat, and when they stop cleanly.
"""

import os

from celery import Celery, Task
from celery.signals import (
    heartbeat_sent,
    task_prerun,
    worker_init,
    worker_ready,
    worker_shutdown,
)
from django.db import InterfaceError, OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class WenmingTask(Task):
    """Every task: a lost database connection (a restart, a failover) is retried with backoff
    (about 1 s, 2 s, 4 s … at most 10 minutes apart, jittered, five times) instead of failing;
    the tasks are idempotent, so a retry after a half-done run is safe."""

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = True
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 5


app = Celery("wenming", task_cls=WenmingTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _worker_needs_site_url(**kwargs):
    """A worker builds links without a request (SMS, calendars, webhooks): in production it
    needs WENMING_SITE_URL, and says so at start rather than at the first message."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from core.absolute_urls import MISSING

    if not settings.SITE_URL and not settings.SITE_URL_FALLBACK:
        raise ImproperlyConfigured(MISSING)


@worker_ready.connect
def _worker_ready(sender, **kwargs):
    from config import liveness

    liveness.record_worker(sender.hostname, force=True)


@heartbeat_sent.connect
def _worker_heartbeat(sender, **kwargs):
    from config import liveness

    liveness.record_worker(sender.eventer.hostname)


@worker_shutdown.connect
def _worker_shutdown(sender, **kwargs):
    from config import liveness

    liveness.forget_worker(sender.hostname)


@task_prerun.connect
def _task_log_context(task_id=None, task=None, **kwargs):
    from config.logs import bind_task

    bind_task(task_id)
