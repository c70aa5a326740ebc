"""A student takes a quiz in Chromium: log in, lesson, quiz, autosave, submit, feedback.

Grading runs in a real Celery worker subprocess on Redis (tests/helpers/worker.py), the
way production grades; the result page's poll notices the grade and reloads.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes import services
from quizzes.models import Attempt, Quiz, Response
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.courses.factories import EnrollmentFactory
from tests.quizzes.factories import (
    QuizFactory,
    make_allocation,
    make_position,
    make_quiz_with_every_kind,
    make_short_answer,
    make_single_choice,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON_TEMPLATE = (
    Path(__file__).resolve().parents[2] / "templates" / "courses" / "lesson_detail.html"
)
LESSON_HAS_QUIZ_TAG = "quizzes_for_lesson" in LESSON_TEMPLATE.read_text()
GRADING_TIMEOUT_MS = 40_000


def _quiz() -> Quiz:
    quiz = QuizFactory(
        title="Borders and rights",
        time_limit_minutes=30,
        review_immediately="answers",
        review_while_open="answers",
        review_after_close="answers",
    )
    make_single_choice(
        quiz, position=0, explanation="Shared asylum spreads the burden."
    )
    make_short_answer(quiz, position=1)
    make_allocation(quiz, position=2)
    make_position(quiz, position=3)
    return quiz


def _log_in(page, live_server, student) -> None:
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(student.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/courses/"))


@pytest.mark.xfail(
    condition=not LESSON_HAS_QUIZ_TAG,
    strict=True,
    reason=(
        "templates/courses/lesson_detail.html does not yet include "
        "{% load quiz_tags %}{% quizzes_for_lesson lesson %} (its owner adds it)."
    ),
)
def test_the_lesson_page_links_to_its_quiz(browser_page, live_server):
    student = UserFactory()
    quiz = _quiz()
    EnrollmentFactory(user=student, course=quiz.course)
    page = browser_page
    _log_in(page, live_server, student)
    page.goto(live_server.url + quiz.lesson.get_absolute_url())
    page.get_by_role("link", name=re.compile("Take the quiz")).click()
    page.wait_for_url(live_server.url + quiz.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text() == quiz.title


def test_a_student_takes_a_quiz_submits_and_sees_feedback(
    browser_page, live_server, celery_worker_proc, artifacts_dir
):
    student = UserFactory()
    quiz = _quiz()
    EnrollmentFactory(user=student, course=quiz.course)
    page = browser_page
    # A CSP refusal or a script error shows up here.
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    _log_in(page, live_server, student)

    page.goto(live_server.url + quiz.lesson.get_absolute_url())
    assert quiz.lesson.title in page.get_by_role("heading", level=1).inner_text()
    page.goto(live_server.url + quiz.get_absolute_url())
    assert "30 minutes" in page.content()
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    attempt = Attempt.objects.get(quiz=quiz, student=student)

    # The countdown runs from the server's deadline.
    countdown = page.locator("[data-countdown-left]")
    countdown.wait_for()
    assert re.search(r"Time left: (29|30):\d\d", countdown.inner_text())

    page.get_by_label("Cooperate on asylum").check()
    page.get_by_label("Your answer").fill("The state")
    page.get_by_label("Security").fill("45")
    page.get_by_label("Human rights").fill("55")
    total = page.locator("[data-total]")
    assert total.inner_text() == "Total: 100 / 100"
    page.get_by_label("Justification").fill("Security and rights both matter.")
    slider = page.get_by_label("Your position on the scale")
    slider.focus()
    for _ in range(5):
        slider.press("ArrowRight")  # 50 -> 55, by keyboard
    assert page.get_by_label(re.compile("Or type your position")).input_value() == "55"

    # Autosave through the API announces itself in the live region.
    status = page.locator("#autosave-status")
    # expect() polls without eval, which the site's CSP forbids.
    expect(status).to_have_text(re.compile(r"Saved at \d\d:\d\d:\d\d"), timeout=15_000)
    saved = {
        r.question.kind: r.answer for r in Response.objects.filter(attempt=attempt)
    }
    assert saved["tradeoff_allocation"] == {
        "allocation": [45, 55],
        "justification": "Security and rights both matter.",
    }
    assert saved["tradeoff_position"] == {"position": 55}

    page.get_by_role("button", name="Submit…").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    assert "You have answered every question." in page.content()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(r"/result/$"))

    # The worker grades it; the page's poll reloads with the score and the feedback.
    expect(page.locator(".score")).to_be_visible(timeout=GRADING_TIMEOUT_MS)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.NEEDS_REVIEW  # the justification waits
    body = page.content()
    assert "Shared asylum spreads the burden." in body
    assert "fb-sc-right" in body
    assert "waiting for an instructor" in body
    assert re.search(r"<strong>4</strong> out of 6", body)
    assert problems == []
    page.emulate_media(media="print")
    page.screenshot(path=str(artifacts_dir / "quiz-result.png"), full_page=True)
    assert page.locator(".site-header").is_hidden()


AXE_JS = (
    Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
)


def _axe_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await axe.run(document)")
    return [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]


def test_the_take_and_result_pages_pass_axe(chromium_browser, live_server):
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `npm ci` in the repository")
    student = UserFactory()
    quiz = make_quiz_with_every_kind(time_limit_minutes=20)
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    # axe is injected as an inline script, which the site's CSP would rightly refuse.
    context = chromium_browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        _log_in(page, live_server, student)
        page.goto(live_server.url + reverse("quizzes:attempt", args=[attempt.pk]))
        assert _axe_violations(page) == []
        services.submit_attempt(attempt=attempt)
        services.grade_attempt(attempt_id=attempt.pk)
        page.goto(live_server.url + reverse("quizzes:result", args=[attempt.pk]))
        assert _axe_violations(page) == []
    finally:
        context.close()
