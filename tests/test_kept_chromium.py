"""The Chromium the browser modules share (tests/conftest.py, tests/helpers/browser.py)."""

import asyncio

import pytest

pytestmark = pytest.mark.browser


def _loop_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def test_closing_it_stops_playwrights_loop_and_the_next_module_gets_a_new_one(
    _kept_chromium,
):
    first = _kept_chromium.get()
    assert _kept_chromium.get() is first
    assert _loop_running()

    # What happens before a module without browser tests.
    _kept_chromium.close()

    assert not first.is_connected()
    assert not _loop_running()
    page = _kept_chromium.get().new_page()
    page.set_content("<p>again</p>")
    assert page.text_content("p") == "again"
    page.close()


def test_a_browser_that_went_away_is_launched_again(_kept_chromium):
    gone = _kept_chromium.get()
    gone.close()

    assert _kept_chromium.get() is not gone
    assert _kept_chromium.get().is_connected()


def test_what_a_module_left_open_is_closed_and_the_browser_kept(_kept_chromium):
    browser = _kept_chromium.get()
    browser.new_context().new_page()
    assert browser.contexts

    # chromium_browser does this at the end of each module.
    _kept_chromium.close_contexts()

    assert browser.contexts == []
    assert _kept_chromium.get() is browser
