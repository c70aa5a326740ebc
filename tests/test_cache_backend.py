"""config.cache: Django's Redis cache with one client per pool, on the real Redis."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings

from config.cache import ReusedClientRedisCache
from tests.helpers.worker import check_redis


@pytest.fixture
def redis_cache():
    url = settings.CELERY_BROKER_URL
    try:
        check_redis(url)
    except ConnectionError as error:
        # Fail, never skip: the production cache is Redis.
        pytest.fail(str(error), pytrace=False)
    cache = ReusedClientRedisCache(url, {"KEY_PREFIX": "test-reused-client"})
    yield cache
    # Only this file's keys: the database is the broker's too.
    cache.delete_many(["k", "a", *(f"t{n}" for n in range(8))])


def test_every_call_shares_one_client(redis_cache):
    redis_cache.set("k", {"v": 1}, 30)
    first = redis_cache._cache.get_client("k", write=True)

    assert redis_cache.get("k") == {"v": 1}
    assert redis_cache._cache.get_client("k") is first


def test_it_behaves_as_djangos_redis_cache(redis_cache):
    assert redis_cache.add("a", 1, 30) is True
    assert redis_cache.add("a", 2, 30) is False
    assert redis_cache.get_many(["a", "missing"]) == {"a": 1}
    assert redis_cache.incr("a") == 2
    redis_cache.delete_many(["a"])
    assert redis_cache.get("a", "gone") == "gone"


def test_threads_share_the_client_without_mixing_replies(redis_cache):
    errors = []

    def work(n: int) -> None:
        for i in range(50):
            redis_cache.set(f"t{n}", (n, i), 30)
            if redis_cache.get(f"t{n}") != (n, i):
                errors.append((n, i))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
