"""The admin's e-mail preview shows the message styled and at a readable size."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from progress import services
from tests.accounts.factories import StaffFactory

from .factories import PERIOD, seed_cohort

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_preview_frame_is_large_and_the_message_keeps_its_styles(
    chromium_browser, live_server
):
    seed_cohort()
    services.build_reports(period=PERIOD)
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        violations: list[str] = []
        page.on(
            "console",
            lambda m: "Content Security Policy" in m.text and violations.append(m.text),
        )
        page.goto(
            live_server.url
            + reverse("admin:progress_progressreport_preview")
            + "?email=ada@example.org&period=2026-W46&kind=student"
        )
        frame_element = page.locator("iframe.email-preview")
        box = frame_element.bounding_box()
        # Not the browser's default 300 x 150 box: the message is readable in place.
        assert box["width"] >= 600 and box["height"] >= 600
        frame = frame_element.content_frame
        frame.locator("body").wait_for()
        strong = frame.locator("strong", has_text="50.0%").first
        strong.wait_for()
        # The message's own inline styles apply inside the frame: the lessons line
        # says style="margin:0 0 6px 0" (a blocked style would leave the 1em default).
        margin = frame.locator("#lessons").evaluate(
            "e => getComputedStyle(e).marginBottom"
        )
        assert margin == "6px"
        size = frame.locator("body").evaluate(
            "e => parseFloat(getComputedStyle(e).fontSize)"
        )
        assert size >= 14
        assert violations == []
    finally:
        context.close()
