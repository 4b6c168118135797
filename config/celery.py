"""Celery application.

With no CELERY_BROKER_URL the settings make every task run eagerly in-process, so a newcomer
needs no broker. With one set, run a worker and exactly one beat:

    uv run celery -A config worker -l info
    uv run celery -A config beat -l info
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("wenming")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
