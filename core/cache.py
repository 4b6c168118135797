"""A Redis cache that degrades instead of failing: with Redis down, reads miss and writes drop.

Everything Wenming keeps in the cache can be recomputed (report pages, generation tokens) or is a
rate-limit counter, so an outage must not turn a page into a 500. Each caller that counts
(``orders.ratelimit``) decides for itself whether to fail open or closed: ``incr`` raises
``CacheUnavailable`` because no default count is right for both.

After a failure the backend skips Redis for ``RETRY_SECONDS`` in this process (a small circuit
breaker), so a Redis host that stops answering costs one connect timeout every few seconds,
not one per cache call. ``ping()`` always asks Redis: ``/readyz`` must see it come back.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
# A Redis that does not answer within this is treated as down (redis-py waits forever by default).
DEFAULT_TIMEOUTS = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}


class CacheUnavailable(Exception):
    """The cache could not be reached; raised only where no default result is safe (``incr``)."""


class ReusedClient(RedisCacheClient):
    """Django builds a new ``redis.Redis`` for every cache call (its constructor fills a table of
    ≈ 170 response callbacks: ≈ 0.1 ms, more than the round trip to a local Redis). One client per
    connection pool is enough: a client is only a pool and its parsers, safe to share between
    threads."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = getattr(pool, "_wenming_client", None)
        if client is None:
            client = pool._wenming_client = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_TIMEOUTS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        self._class = ReusedClient
        self._down_until = 0.0

    def _call(self, name: str, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            if not self._down_until:
                logger.warning("cache unavailable (%s): serving without it", type(exc).__name__)
            self._down_until = time.monotonic() + RETRY_SECONDS
            return default
        if self._down_until:
            logger.warning("cache available again")
            self._down_until = 0.0
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """True (added), False (the key was there) or, unlike Django's, None when Redis is
        unavailable: ``core.queueing.delay_coalesced_on_commit`` tells "already queued" from
        "cannot know" by it."""
        return self._call("add", None, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def set_many_now(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """``set_many`` past the circuit breaker: for a write that must not be dropped by a blip
        a few seconds earlier (``core.generations.bump``). Raises ``CacheUnavailable``."""
        try:
            failed = super().set_many(data, timeout, version)
        except (RedisError, OSError) as exc:
            raise CacheUnavailable(type(exc).__name__) from exc
        self._down_until = 0.0
        return failed

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call("incr", missing, key, delta, version)
        if result is missing:
            raise CacheUnavailable(key)
        return result

    def count(self, key, timeout: int, version=None) -> int:
        """``add(key, 0, timeout)`` then ``incr(key)`` in one round trip (a pipeline) instead of
        three (Django's ``incr`` asks whether the key exists first): a rate limit's window.
        Raises ``CacheUnavailable`` like ``incr``, and keeps the circuit breaker."""
        if time.monotonic() < self._down_until:
            raise CacheUnavailable(key)
        full = self.make_and_validate_key(key, version=version)
        try:
            pipe = self._cache.get_client(full, write=True).pipeline(transaction=False)
            pipe.set(full, self._cache._serializer.dumps(0), ex=int(timeout), nx=True)
            pipe.incr(full)
            _added, value = pipe.execute()
        except (RedisError, OSError) as exc:
            if not self._down_until:
                logger.warning("cache unavailable (%s): serving without it", type(exc).__name__)
            self._down_until = time.monotonic() + RETRY_SECONDS
            raise CacheUnavailable(key) from exc
        if self._down_until:
            logger.warning("cache available again")
            self._down_until = 0.0
        return value

    def ping(self) -> None:
        """Ask Redis now (no circuit breaker); raises ``CacheUnavailable`` when it is down."""
        try:
            self._cache.get_client(write=True).ping()
        except (RedisError, OSError) as exc:
            raise CacheUnavailable(type(exc).__name__) from exc
        self._down_until = 0.0
