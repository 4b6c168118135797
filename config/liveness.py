"""When a Celery worker and beat last showed signs of life, kept in the broker's Redis.

Workers record themselves when they start and then from their heartbeat (every few seconds,
written at most every ``WRITE_EVERY`` seconds); beat records each tick of its scheduler
(``config.beat``). ``/readyz`` reads both: a worker killed with ``kill -9`` says nothing, so it
is "gone" once its last sign of life is older than ``WENMING_READY_WORKER_SECONDS``. The same
Redis holds beat's schedule-slot locks. Without a Redis broker (tasks in-process) there is
nothing to record.
"""

from __future__ import annotations

import functools
import time

import redis
from django.conf import settings

WORKERS_KEY = "wenming:ops:workers"
BEAT_KEY = "wenming:ops:beat"
# A worker's entry is rewritten at most this often (its heartbeat fires every 2 s).
WRITE_EVERY = 5.0
_last_write: dict[str, float] = {}


def broker_url() -> str:
    return settings.CELERY_BROKER_URL or ""


def uses_redis(url: str) -> bool:
    return url.startswith(("redis://", "rediss://", "unix://"))


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=1.0, socket_timeout=1.0)


def client(url: str | None = None) -> redis.Redis | None:
    """A Redis client for the broker (None when the broker is not Redis or there is none)."""
    url = broker_url() if url is None else url
    return _client(url) if url and uses_redis(url) else None


def record_worker(hostname: str, *, force: bool = False) -> None:
    now = time.time()
    if not force and now - _last_write.get(hostname, 0.0) < WRITE_EVERY:
        return
    conn = client()
    if conn is None:
        return
    try:
        conn.hset(WORKERS_KEY, hostname, now)
    except (redis.RedisError, OSError):
        return  # the broker is down: the worker cannot take tasks either; readyz says so
    _last_write[hostname] = now


def forget_worker(hostname: str) -> None:
    """A worker shutting down cleanly: gone at once, not after the staleness window."""
    conn = client()
    if conn is not None:
        try:
            conn.hdel(WORKERS_KEY, hostname)
        except (redis.RedisError, OSError):
            pass
    _last_write.pop(hostname, None)


def record_beat() -> None:
    conn = client()
    if conn is not None:
        try:
            conn.set(BEAT_KEY, time.time())
        except (redis.RedisError, OSError):
            pass


def workers_seen(conn: redis.Redis) -> dict[str, float]:
    """Worker host name → when it was last seen (Unix time). Raises ``redis.RedisError``."""
    return {k.decode(): float(v) for k, v in conn.hgetall(WORKERS_KEY).items()}


def beat_seen(conn: redis.Redis) -> float | None:
    value = conn.get(BEAT_KEY)
    return float(value) if value is not None else None
