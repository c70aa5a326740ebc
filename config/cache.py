"""Django's Redis cache backend, keeping one Redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` for every cache call, and each one
copies redis-py's table of response callbacks: about 500 Python calls, two thirds of a
cache read, before the command is sent. A client holds no connection of its own (the pool
lends one per command, and resets itself in a forked process), so one client per pool
serves every call and every thread. Everything else is Django's backend as it is.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

__all__ = ["ReusedClientRedisCache"]


class _ReusedClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusedClientRedisCache(RedisCache):
    """settings.CACHES BACKEND "config.cache.ReusedClientRedisCache"; same options."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusedClient
