"""/healthz and /readyz: JSON with each check's state and time; 503 when the database, Redis or
every worker is gone, 200 again once they are back."""

from __future__ import annotations

import time
import uuid

import pytest
import time_machine
from django.db import connection
from django.test import override_settings

from config import liveness
from tests.ops.conftest import closed_url, wait_for


def _redis_caches(url: str) -> dict:
    return {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": url}}


def _ready(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_healthz_answers_without_dependencies(client, settings):
    settings.DATABASES  # noqa: B018 - untouched: /healthz runs no query
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["time"].endswith("+00:00")


def test_probes_answer_any_host_over_plain_http(client, settings):
    # Production settings: an https redirect and a host list the container's probe is not in.
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["wenming.example.cn"]
    assert client.get("/healthz", HTTP_HOST="localhost:8000").status_code == 200
    assert client.get("/healthz/").status_code == 200
    # Anything else still goes through host validation and the redirect.
    assert client.get("/", HTTP_HOST="localhost:8000").status_code == 400


def test_probes_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
    assert client.post("/readyz").status_code == 405


@pytest.mark.django_db
def test_ready_without_broker_when_tasks_run_in_process(client, settings):
    settings.CELERY_BROKER_URL = ""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        status, body = _ready(client)
    assert status == 200, body
    checks = body["checks"]
    assert checks["database"]["state"] == "ok" and checks["cache"]["state"] == "ok"
    for name in ("broker", "worker", "beat"):
        assert checks[name]["state"] == "skipped"
    assert all(isinstance(c["ms"], float) for c in checks.values())


@pytest.mark.django_db
def test_redis_down_then_back(client, settings, redis_server):
    """Cache and broker on a Redis of our own: 200 with a worker and beat seen, 503 with the
    server stopped (cache, broker, worker and beat all down), 200 again once it is back and
    the worker and beat have shown signs of life again."""
    settings.CELERY_BROKER_URL = redis_server.url(0)
    host = f"test-{uuid.uuid4().hex[:8]}@here"
    with override_settings(CACHES=_redis_caches(redis_server.url(1))):
        liveness.record_worker(host, force=True)
        liveness.record_beat()
        status, body = _ready(client)
        assert status == 200, body
        assert body["checks"]["worker"]["workers"] == 1

        redis_server.stop()
        status, body = _ready(client)
        assert status == 503
        assert body["status"] == "unavailable"
        for name in ("cache", "broker", "worker", "beat"):
            assert body["checks"][name]["state"] == "down", name
        assert body["checks"]["database"]["state"] == "ok"
        assert "127.0.0.1" not in str(body)  # no addresses in a public answer

        # Pages that do not need Redis keep answering meanwhile.
        assert client.get("/").status_code == 200

        redis_server.start()  # empty again: nothing was saved
        assert _ready(client)[0] == 503  # no worker has said anything yet
        liveness.record_worker(host, force=True)
        liveness.record_beat()
        status, body = _ready(client)
        assert status == 200, body


@pytest.mark.django_db
def test_closed_ports_are_down(client, settings):
    settings.CELERY_BROKER_URL = closed_url()
    with override_settings(CACHES=_redis_caches(closed_url())):
        status, body = _ready(client)
    assert status == 503
    assert body["checks"]["cache"] == {**body["checks"]["cache"], "state": "down"}
    assert body["checks"]["broker"]["error"] == "ConnectionError"


@pytest.mark.django_db
def test_stale_worker_and_beat_are_down(client, settings, redis_server):
    settings.CELERY_BROKER_URL = redis_server.url(0)
    settings.WENMING_READY_WORKER_SECONDS = 120
    settings.WENMING_READY_BEAT_SECONDS = 300
    conn = liveness.client()
    conn.hset(liveness.WORKERS_KEY, "old@host", 1_000_000_000)  # 2001: long gone
    conn.set(liveness.BEAT_KEY, 1_000_000_000)
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        status, body = _ready(client)
    assert status == 503
    assert body["checks"]["worker"]["state"] == "down"
    assert body["checks"]["worker"]["last_seen"].startswith("2001-09-09")
    assert body["checks"]["beat"]["state"] == "down"
    assert body["checks"]["broker"]["state"] == "ok"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_database_down_then_back(client, settings):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's test database is in memory: it cannot go away")
    settings.CELERY_BROKER_URL = ""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = closed_url().rsplit(":", 1)[1].split("/")[0]
    try:
        status, body = _ready(client)
        assert status == 503
        assert body["checks"]["database"]["state"] == "down"
        assert body["checks"]["database"]["error"] == "OperationalError"
        # The process itself is alive.
        assert client.get("/healthz").status_code == 200
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    status, body = _ready(client)
    assert status == 200, body


@pytest.mark.celery_worker
@pytest.mark.django_db
def test_every_worker_gone_then_back(client, settings, redis_server, workers):
    """A real worker process: seen, killed with -9 (it says nothing), still counted within the
    window, gone once its last sign of life is older than the window (the clock moved on, not
    waited for), and a new worker makes the stack ready again."""
    settings.CELERY_BROKER_URL = redis_server.url(0)
    settings.WENMING_READY_WORKER_SECONDS = 30
    liveness.record_beat()

    def state():
        liveness.record_beat()
        with override_settings(
            CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        ):
            return _ready(client)

    queue = f"ready-{uuid.uuid4().hex[:8]}"
    worker = workers(broker=redis_server.url(0), queue=queue)
    wait_for(lambda: state()[0] == 200, timeout=90, what="the worker's first sign of life")
    worker.kill()
    assert state()[0] == 200
    later = time.time() + settings.WENMING_READY_WORKER_SECONDS + 1
    with time_machine.travel(later, tick=False):
        status, body = state()
    assert status == 503
    assert body["checks"]["worker"]["state"] == "down"
    workers(broker=redis_server.url(0), queue=queue)
    wait_for(lambda: state()[0] == 200, timeout=90, what="the new worker to be seen")
