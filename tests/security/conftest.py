"""Fixtures of the hardening tests: log-in limits switched on, tokens, Chromium."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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


@pytest.fixture(scope="module")
def chromium_browser():
    """Debian's Chromium through Playwright; a missing browser fails, never skips.

    Module-scoped: one sync Playwright may live in a process at a time, and other test
    packages start their own.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()
