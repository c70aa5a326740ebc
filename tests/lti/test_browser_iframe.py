"""The LMS journey in Chromium: the course page frames the tool, the student takes the
quiz inside the frame, a real Celery worker grades it and the score reaches the LMS."""

from __future__ import annotations

import time

import pytest
import requests
from django.urls import reverse

from lti.models import Score
from tests.lti.conftest import quiz_claims

pytestmark = [
    pytest.mark.browser,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

SCORE_TIMEOUT = 30


@pytest.fixture
def lms_page(chromium_browser, live_server, platform, registration, quiz):
    # One site (127.0.0.1, two ports): over plain HTTP the browser keeps no
    # SameSite=None cookie, so the LMS and the tool must be same-site here. Cross-site
    # over HTTPS is what SameSite=None; Secure (and the new-window fallback) serve.
    tool = live_server.url.replace("localhost", "127.0.0.1")
    platform.course_login_url = tool + reverse("lti:login")
    platform.course_launch = {"sub": "browser-learner", **quiz_claims(quiz, platform)}
    # The LMS admin pasted our JWKS URL; the platform reads it when we ask for a token.
    platform.tool_jwks = requests.get(tool + reverse("lti:jwks"), timeout=5).json()
    context = chromium_browser.new_context(viewport={"width": 1200, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_student_takes_the_quiz_inside_the_lms_frame_and_the_score_arrives(
    lms_page, live_server, platform, quiz, celery_worker_proc
):
    problems = []
    lms_page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    lms_page.goto(f"{platform.base}/course")
    frame = lms_page.frame_locator("#tool")

    frame.get_by_role("heading", level=1, name=quiz.title).wait_for()
    frame.get_by_role("button", name="Start the quiz").click()
    frame.get_by_label("Cooperate on asylum").check()
    frame.get_by_role("button", name="Submit…").click()
    frame.get_by_role("button", name="Submit my answers").click()
    frame.locator(".score").wait_for(timeout=SCORE_TIMEOUT * 1000)

    deadline = time.monotonic() + SCORE_TIMEOUT
    while not platform.scores and time.monotonic() < deadline:
        time.sleep(0.2)
    assert Score.objects.get().state == Score.State.SENT
    assert [s["scoreGiven"] for s in platform.scores] == [100.0]
    assert platform.scores[0]["userId"] == "browser-learner"
    assert [p for p in problems if "frame" in p.lower()] == []
