"""The shared cache (Redis), with this process's memory standing in while Redis is down.

Rate-limit counters, allauth's limits on authenticator codes and its marks of used TOTP codes
live in the cache. If a Redis outage raised errors, nobody could sign in and a referrer saving
a wizard step would lose what they typed. Instead, a connection failure switches this process
to a local in-memory cache for a few seconds (then Redis is tried again), with a warning in the
log. Limits keep working, per process rather than shared, and nothing that needs a shared value
for correctness uses this cache (sessions and sign-in delays are in PostgreSQL).
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
RETRY_REDIS_AFTER_SECONDS = 5.0
# Give up on a connection quickly: a person's request must not wait for a dead server.
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}


class RedisCacheWithLocalFallback(RedisCache):
    def __init__(self, server, params):
        options = {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self._fallback = LocMemCache(
            f"portal-fallback-{id(self)}",
            {**params, "OPTIONS": {"MAX_ENTRIES": 100_000, "CULL_FREQUENCY": 10}},
        )
        self._redis_down_until = 0.0

    def _either(self, method: str, *args, **kwargs):
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(RedisCache, method)(self, *args, **kwargs)
            except REDIS_DOWN:
                self._redis_down_until = time.monotonic() + RETRY_REDIS_AFTER_SECONDS
                logger.warning(
                    "Redis cache unavailable; using this process's memory",
                    extra={"event": "cache_fallback"},
                )
        return getattr(self._fallback, method)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._either("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._either("delete", key, version)

    def get_many(self, keys, version=None):
        return self._either("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._either("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._either("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._either("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._either("delete_many", keys, version)

    def clear(self):
        self._fallback.clear()
        return self._either("clear")
