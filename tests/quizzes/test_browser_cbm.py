"""In Chromium: a student answers a CBM quiz with how sure they are and sees how well
they judged it.

The intro explains the scale; each right-or-wrong question asks for a certainty (the
position does not); autosave keeps it and a reload shows it; after submitting, a real
Celery worker grades by Moodle's scale and the result page shows the calibration chart
and its table.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from quizzes.models import Attempt, Quiz, Response
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.courses.factories import EnrollmentFactory
from tests.quizzes.factories import (
    QuizFactory,
    make_position,
    make_short_answer,
    make_single_choice,
    make_true_false,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GRADING_TIMEOUT_MS = 40_000


def _quiz() -> Quiz:
    quiz = QuizFactory(title="How sure are you?", certainty_based_marking=True)
    make_single_choice(quiz, position=0, points=Decimal("2"))
    make_true_false(quiz, position=1)
    make_short_answer(quiz, position=2)
    make_position(quiz, position=3)
    return quiz


def test_a_student_answers_with_certainty_and_sees_the_calibration_chart(
    browser_page, live_server, celery_worker_proc, artifacts_dir
):
    student = UserFactory()
    quiz = _quiz()
    single, true_false, short, position = quiz.questions.order_by("position")
    EnrollmentFactory(user=student, course=quiz.course)
    page = browser_page
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("E-mail address").fill(student.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/courses/"))

    page.goto(live_server.url + quiz.get_absolute_url())
    explained = page.get_by_role("region", name=re.compile("Certainty-based marking"))
    expect(explained).to_contain_text("If you pick no certainty, C=1 counts")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
    attempt = Attempt.objects.get(quiz=quiz, student=student)

    def sure(question, level: int):
        group = page.locator(f"#question-{question.id}").get_by_role(
            "group", name="How sure are you of this answer?"
        )
        return group.get_by_label(re.compile(rf"^C={level},"))

    expect(page.locator(f"#question-{position.id} .certainty")).to_have_count(0)
    page.get_by_label("Cooperate on asylum").check()
    sure(single, 3).check()
    page.locator(f"#question-{true_false.id}").get_by_label("False").check()
    sure(true_false, 3).check()
    page.get_by_label("Your answer", exact=True).fill("the state")
    sure(short, 1).check()
    page.get_by_label(re.compile("Or type your position")).fill("40")
    page.get_by_label(re.compile("Or type your position")).blur()

    status = page.locator("#autosave-status")
    expect(status).to_have_text(re.compile(r"Saved at \d\d:\d\d:\d\d"), timeout=15_000)
    saved = {
        r.question_id: r.certainty for r in Response.objects.filter(attempt=attempt)
    }
    assert saved == {single.id: 3, true_false.id: 3, short.id: 1, position.id: None}
    page.reload()
    expect(sure(single, 3)).to_be_checked()
    expect(sure(true_false, 3)).to_be_checked()

    page.get_by_role("button", name="Submit…").click()
    page.wait_for_url(re.compile(r"/submit/$"))
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url(re.compile(r"/result/$"))

    # The worker grades; the page's poll reloads with the score and the calibration.
    expect(page.locator(".score")).to_be_visible(timeout=GRADING_TIMEOUT_MS)
    attempt.refresh_from_db()
    # Right at C=3 on 2 points (+6), wrong at C=3 (-6), right at C=1 (+1), and the
    # position inside its range (+1, no certainty): 2 points.
    assert attempt.score == Decimal("2")
    chart = page.get_by_role("img", name=re.compile("accuracy at each certainty"))
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_name(
        re.compile(r"C=3: 2 answers, 66.7% right \(ideal: above 80%\)")
    )
    table = page.get_by_role("table", name=re.compile("accuracy at each certainty"))
    expect(table.get_by_role("row", name=re.compile("C=3"))).to_contain_text(
        "a bit over-confident"
    )
    expect(table.get_by_role("row", name=re.compile("C=1"))).to_contain_text(
        "under-confident"
    )
    expect(page.locator(".cbm-figures")).to_contain_text("75% right")
    assert problems == []
    page.screenshot(path=str(artifacts_dir / "quiz-cbm-result.png"), full_page=True)
