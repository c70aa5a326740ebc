"""Fixtures of the hardening tests: log-in limits switched on, and an empty cache."""

from __future__ import annotations

import pytest


@pytest.fixture
def axes_on(settings):
    """Turn django-axes on (config/settings/test.py keeps it off for the other tests)."""
    settings.AXES_ENABLED = True
    return settings


@pytest.fixture
def clear_cache():
    """Throttle counters live in the cache: start and end each test with none."""
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()
