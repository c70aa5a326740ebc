"""In Chromium: what a student wrote survives an unfinished answer and a reload.

Autosave (htmx posting the form) keeps an allocation short of 100 as a draft with its
justification, says so, and the count of unanswered questions follows the answers;
a reload brings the draft back; Save shows every unfinished question at once.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.models import Attempt, Quiz, Response
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.courses.factories import EnrollmentFactory
from tests.quizzes.factories import (
    QuizFactory,
    make_allocation,
    make_ordering,
    make_position,
    make_single_choice,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _quiz() -> Quiz:
    quiz = QuizFactory(title="Drafts", time_limit_minutes=30)
    make_single_choice(quiz, position=0)
    make_allocation(quiz, position=1)
    make_ordering(quiz, position=2)
    make_position(quiz, position=3)
    return quiz


def _start(page, live_server, quiz):
    student = UserFactory()
    EnrollmentFactory(user=student, course=quiz.course)
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(student.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/courses/"))
    page.goto(live_server.url + quiz.get_absolute_url())
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    return Attempt.objects.get(quiz=quiz, student=student)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_draft_survives_a_reload_and_save_lists_every_unfinished_answer(
    chromium_browser, live_server, width
):
    context = chromium_browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: (
            problems.append(f"{m.text} {m.location.get('url')}")
            if m.type == "error" and "favicon" not in m.location.get("url", "")
            else None
        ),
    )
    try:
        quiz = _quiz()
        attempt = _start(page, live_server, quiz)
        allocation = quiz.questions.get(kind="tradeoff_allocation")

        # The untouched slider shows no answer.
        slider = page.get_by_label("Your position on the scale")
        assert "position__slider--unset" in (slider.get_attribute("class") or "")
        count = page.locator("#unanswered-count")
        expect(count).to_have_text(re.compile("4 questions are still unanswered"))

        page.get_by_label("Cooperate on asylum").check()
        page.get_by_label("Security").fill("40")
        page.get_by_label("Human rights").fill("50")
        page.get_by_label("Justification").fill("Rights bind the state; so does order.")
        page.get_by_label("Justification").blur()

        status = page.locator("#autosave-status")
        expect(status).to_have_text(
            re.compile(r"Saved at .*kept as drafts: question 2 .*adds up to 90"),
            timeout=15_000,
        )
        expect(count).to_have_text(re.compile("3 questions are still unanswered"))
        expect(page.locator(f"#q{allocation.id}-problem")).to_contain_text(
            "adds up to 90"
        )
        row = Response.objects.get(attempt=attempt, question=allocation)
        assert row.answer == {"justification": "Rights bind the state; so does order."}

        page.reload()
        assert page.get_by_label("Human rights").input_value() == "50"
        assert page.get_by_label("Justification").input_value().startswith("Rights")
        expect(page.locator(f"#q{allocation.id}-problem")).to_contain_text(
            "adds up to 90"
        )

        # Half an order and the short allocation: Save names both, at once.
        page.locator("select[data-item]").first.select_option("1")
        page.get_by_role("button", name="Save", exact=True).click()
        summary = page.locator("#take-problems")
        expect(summary).to_contain_text("adds up to 90")
        expect(summary).to_contain_text("1 of 3 placed")
        assert problems == []
    finally:
        context.close()
