"""A quiz taken by keyboard alone in Chromium, with the focus visible at every step."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Quiz, Response
from tests.a11y.conftest import focus_is_visible, focused
from tests.accounts.factories import UserFactory
from tests.courses.factories import EnrollmentFactory
from tests.quizzes.factories import QuizFactory, make_short_answer, make_single_choice

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MAX_PRESSES = 60


def _quiz() -> Quiz:
    quiz = QuizFactory(title="Borders and rights")
    make_single_choice(quiz, position=0, prompt="Which policy shares the burden?")
    make_short_answer(quiz, position=1, prompt="Who decides who may enter?")
    return quiz


def _press_until(
    page, key: str, wanted: Callable[[dict], bool], seen: list[dict]
) -> dict:
    """Press `key` until the focused element is the wanted one; every stop must show focus."""
    for _ in range(MAX_PRESSES):
        page.keyboard.press(key)
        info = focused(page)
        assert info is not None, f"{key} left the focus on nothing"
        seen.append(info)
        assert focus_is_visible(info), f"Focus is invisible on {info}"
        if wanted(info):
            return info
    pytest.fail(f"{key} never reached the element; it visited: {seen[-MAX_PRESSES:]}")


def _is_radio(info: dict) -> bool:
    return info["tag"] == "input" and info["type"] == "radio"


def _is_button(text: str) -> Callable[[dict], bool]:
    return lambda info: info["tag"] == "button" and info["text"] == text


def _label_of(page) -> str:
    return page.evaluate("() => document.activeElement.labels[0].innerText.trim()")


def _note_error(message, problems: list[str]) -> None:
    # Chromium asks for /favicon.ico by itself; the site has none and need not.
    if message.type == "error" and not message.location.get("url", "").endswith(
        "/favicon.ico"
    ):
        problems.append(message.text)


def test_a_student_takes_a_quiz_by_keyboard_with_visible_focus(
    new_context, eager_celery
):
    student = UserFactory()
    quiz = _quiz()
    EnrollmentFactory(user=student, course=quiz.course)
    context = new_context(student)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: _note_error(message, problems))
    page.on("pageerror", lambda error: problems.append(str(error)))
    seen: list[dict] = []

    page.goto(reverse("quizzes:intro", args=[quiz.pk]))
    _press_until(page, "Tab", _is_button("Start the quiz"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    attempt = Attempt.objects.get(quiz=quiz, student=student)

    # Single choice: Tab into the group, Space picks, arrows move the pick.
    _press_until(page, "Tab", _is_radio, seen)
    assert _label_of(page) == "Close every border"
    page.keyboard.press("Space")
    assert page.get_by_label("Close every border").is_checked()
    page.keyboard.press("ArrowDown")
    assert _label_of(page) == "Cooperate on asylum"
    assert page.get_by_label("Cooperate on asylum").is_checked()
    assert not page.get_by_label("Close every border").is_checked()
    assert focus_is_visible(focused(page))

    # Tab leaves the group for the short answer; Shift+Tab comes back to the pick.
    answer_box = _press_until(
        page,
        "Tab",
        lambda info: info["tag"] == "input" and info["type"] == "text",
        seen,
    )
    page.keyboard.type("The state")
    back = _press_until(page, "Shift+Tab", _is_radio, seen)
    assert back["id"] == page.get_by_label("Cooperate on asylum").get_attribute("id")
    _press_until(page, "Tab", lambda info: info["id"] == answer_box["id"], seen)
    assert page.get_by_label("Your answer").input_value() == "The state"

    _press_until(page, "Tab", _is_button("Submit…"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/submit/$"))
    assert "You have answered every question." in page.content()

    _press_until(page, "Tab", _is_button("Submit my answers"), seen)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/result/$"))
    assert page.url.endswith(reverse("quizzes:result", args=[attempt.pk]))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == attempt.max_score == 2
    answers = {
        response.question.kind: response.answer
        for response in Response.objects.filter(attempt=attempt).select_related(
            "question"
        )
    }
    right = quiz.questions.get(kind="single_choice").choices.get(
        text="Cooperate on asylum"
    )
    assert answers == {
        "single_choice": {"choice": right.pk},
        "short_answer": {"text": "The state"},
    }
    assert problems == []


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(
    new_context, scene
):
    page = new_context(scene.student).new_page()
    page.goto(reverse("quizzes:attempt", args=[scene.open_attempt.pk]))
    page.keyboard.press("Tab")
    info = focused(page)
    assert info["text"] == "Skip to main content"
    assert focus_is_visible(info)
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
