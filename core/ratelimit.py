"""Fixed-window request counters in Django's cache, failing open when the cache is down."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache

__all__ = ["hit"]


def hit(scope: str, key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request under (scope, key); False once it is past `limit` this window.

    While the cache is unreachable (the production cache ignores its errors) nothing is
    counted and every request is allowed: a rate limit must not take the site down.
    """
    bucket = int(time.time() // window_seconds)
    digest = hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{bucket}:{digest}"
    cache.add(cache_key, 0, window_seconds + 60)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired or evicted between add() and incr()
        return True
    return count is None or count <= limit
