"""Debian's Chromium through Playwright, launched the same way by every browser test.

Playwright's sync API allows one instance per process at a time, and while it runs the
test thread has a running asyncio loop (asyncio.run and async_to_sync refuse to start).
The suite's `chromium_browser` keeps one open from one browser module to the next and
closes it before a module without browser tests (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
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


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium for the block; a missing browser fails the test, never skips."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


class KeptChromium:
    """One Chromium held open across test modules, launched again after `close`.

    A launch costs Playwright's driver and Chromium about a second of CPU, with the
    browser's first renderers; most browser modules are short.
    """

    def __init__(self) -> None:
        self._open = ExitStack()
        self.browser = None

    def get(self):
        if self.browser is not None and not self.browser.is_connected():
            self.close()  # crashed: start again rather than fail every later module
        if self.browser is None:
            self.browser = self._open.enter_context(chromium())
        return self.browser

    def close_contexts(self) -> None:
        """Close what the last module left open: its pages' renderers with them."""
        if self.browser is not None and self.browser.is_connected():
            for context in self.browser.contexts:
                context.close()

    def close(self) -> None:
        self.browser = None
        self._open.close()
