"""``/healthz`` and ``/readyz``: is the process alive, and can the stack do its work.

- ``/healthz``: the process answers (no database, no Redis): 200 ``{"status": "ok"}``. For a
  load balancer's or an orchestrator's liveness probe: failing it means "restart me".
- ``/readyz``: the database, the cache, the broker, at least one Celery worker seen within
  ``WENMING_READY_WORKER_SECONDS`` and beat's last tick within ``WENMING_READY_BEAT_SECONDS``,
  each with its state and how long the check took; 200 when all are ``ok`` (or ``skipped``:
  not configured, e.g. no broker because tasks run in-process), else 503. For monitoring and
  for holding traffic until the whole stack is up.

Neither needs a login, and neither says more than states, timings and the names of error
classes: no host names, no addresses, no credentials.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config import liveness
from core.cache import ResilientRedisCache

OK, DOWN, SKIPPED = "ok", "down", "skipped"


class Skipped(Exception):
    """The component is not configured here (reported as ``skipped``, which counts as ready)."""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="seconds")


def check_database() -> dict:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {}


def check_cache() -> dict:
    cache = caches["default"]
    if isinstance(cache, ResilientRedisCache):
        cache.ping()
    else:
        # The database cache's table, or the process's memory: a read proves it answers.
        cache.get("wenming:readyz")
    return {"backend": type(cache).__name__}


def _broker() -> redis.Redis:
    url = liveness.broker_url()
    if not url:
        raise Skipped("tasks run in-process (no CELERY_BROKER_URL)")
    conn = liveness.client(url)
    if conn is None:
        raise Skipped("the broker is not Redis")
    return conn


def check_broker() -> dict:
    _broker().ping()
    return {}


def check_worker() -> dict:
    seen = liveness.workers_seen(_broker())
    now = time.time()
    fresh = [ts for ts in seen.values() if now - ts <= settings.WENMING_READY_WORKER_SECONDS]
    detail = {"workers": len(fresh)}
    if seen:
        detail["last_seen"] = _iso(max(seen.values()))
    if not fresh:
        raise _Down("no worker seen recently", detail)
    return detail


def check_beat() -> dict:
    last = liveness.beat_seen(_broker())
    if last is None:
        raise _Down("beat never ran", {})
    detail = {"last_run": _iso(last)}
    if time.time() - last > settings.WENMING_READY_BEAT_SECONDS:
        raise _Down("beat has not run recently", detail)
    return detail


class _Down(Exception):
    def __init__(self, reason: str, detail: dict):
        super().__init__(reason)
        self.detail = detail


CHECKS: dict[str, Callable[[], dict]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
    "beat": check_beat,
}


def run_checks(only: list[str] | None = None) -> dict[str, dict]:
    """Every check's (or ``only`` those) state, timing (ms) and details; never raises."""
    results: dict[str, dict] = {}
    for name, check in CHECKS.items():
        if only is not None and name not in only:
            continue
        started = time.perf_counter()
        try:
            result = {"state": OK, **check()}
        except Skipped as exc:
            result = {"state": SKIPPED, "reason": str(exc)}
        except _Down as exc:
            result = {"state": DOWN, "reason": str(exc), **exc.detail}
        except Exception as exc:
            # Whatever a dependency raises (psycopg's OperationalError, redis-py's
            # ConnectionError, a timeout) means "not ready", never a 500 from the probe.
            result = {"state": DOWN, "error": type(exc).__name__}
        result["ms"] = round((time.perf_counter() - started) * 1000, 1)
        results[name] = result
    return results


class HealthMiddleware:
    """First in MIDDLEWARE: the probes answer before host validation, the https redirect,
    sessions and the request log, so a probe from inside the container (``Host: localhost``,
    plain http) gets the truth and does not fill the logs every few seconds."""

    PATHS = {"/healthz": "healthz", "/readyz": "readyz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.PATHS.get(request.path_info.rstrip("/"))
        if view is None:
            return self.get_response(request)
        return healthz(request) if view == "healthz" else readyz(request)


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": OK, "time": datetime.now(tz=UTC).isoformat(timespec="seconds")})


@never_cache
@require_GET
def readyz(request):
    checks = run_checks()
    ready = all(c["state"] in (OK, SKIPPED) for c in checks.values())
    body = {
        "status": OK if ready else "unavailable",
        "time": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "checks": checks,
    }
    return JsonResponse(body, status=200 if ready else 503)
