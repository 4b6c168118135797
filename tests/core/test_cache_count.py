"""``ResilientRedisCache.count``: a rate limit's window in one round trip, counted as
``add(key, 0)`` then ``incr`` counted it, and refused like ``incr`` with Redis down."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from core.cache import CacheUnavailable
from tests.ops.conftest import closed_url

pytestmark = pytest.mark.skipif(not settings.CACHE_URL, reason="needs CACHE_URL (Redis)")


def test_counts_from_one_and_the_first_sets_the_expiry():
    assert [cache.count("wm:rl:test", timeout=60) for _ in range(3)] == [1, 2, 3]
    client = cache._cache.get_client(write=True)
    full = cache.make_and_validate_key("wm:rl:test")
    assert 0 < client.ttl(full) <= 60
    assert cache.get("wm:rl:test") == 3  # the value add() and incr() would have left
    cache.add("wm:rl:other", 0, timeout=60)
    assert cache.incr("wm:rl:other") == 1 == cache.count("wm:rl:new", timeout=60)


def test_refused_with_redis_down():
    caches = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": closed_url()}}
    with override_settings(CACHES=caches):
        from django.core.cache import cache as down

        with pytest.raises(CacheUnavailable):
            down.count("wm:rl:test", timeout=60)
        with pytest.raises(CacheUnavailable):  # the breaker: not asked again at once
            down.count("wm:rl:test", timeout=60)
