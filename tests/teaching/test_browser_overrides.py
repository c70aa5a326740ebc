"""In Chromium: an instructor opens a student's attempt from the gradebook, scores it with
the rubric's levels, overrides the grade; the student sees the override and its reason."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from quizzes.models import GradeAudit, GradeOverride
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    QuizFactory,
    cohort_with,
    essay_answer,
    take,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CRITERIA = [
    {
        "name": "Names both values",
        "levels": [{"label": "Neither", "points": 0}, {"label": "Both", "points": 2}],
    },
    {
        "name": "Answers the objection",
        "levels": [
            {"label": "No", "points": 0},
            {"label": "Partly", "points": 0.5},
            {"label": "Fully", "points": 2},
        ],
    },
]


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _watch_csp(page) -> list[str]:
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    return refused


def test_open_the_attempt_from_the_gradebook_and_override(
    live_server, chromium_browser, artifacts_dir
):
    cohort, instructor, (student,) = cohort_with(students=1, name="Section A")
    quiz = QuizFactory(course=cohort.course, title="Borders and rights")
    assignment = AssignmentFactory(cohort=cohort, quiz=quiz)
    essay = EssayQuestionFactory(
        quiz=quiz,
        points=Decimal(4),
        data={"rubric": "Weigh both.", "rubric_criteria": CRITERIA, "min_words": 0},
    )
    attempt = take(quiz, student, essay_answer(essay, "Security costs rights."))
    base = live_server.url

    teacher = chromium_browser.new_context().new_page()
    teacher.set_default_timeout(15000)
    refused = _watch_csp(teacher)
    _log_in(teacher, base, instructor)
    teacher.goto(f"{base}/instructor/cohorts/{cohort.pk}/gradebook/")
    teacher.locator(".gradebook__cell a.gradebook__link").click()
    expect(teacher.get_by_role("heading", level=1)).to_contain_text(
        "Borders and rights"
    )
    teacher.get_by_role("link", name="Attempt 1").click()
    expect(teacher.get_by_text("Security costs rights.")).to_be_visible()
    teacher.screenshot(path=artifacts_dir / "instructor-attempt.png", full_page=True)

    # Score the essay with the rubric: clicking levels fills the score, the comment stays.
    teacher.get_by_role("link", name="Score the written part").click()
    expect(teacher.get_by_role("heading", name="The whole attempt")).to_be_visible()
    teacher.get_by_label("Comment for the student").fill("Name a cost of both sides.")
    teacher.get_by_role("radio", name="Both").check()
    teacher.get_by_role("radio", name="Partly").check()
    score = teacher.get_by_role("spinbutton", name="Score")
    expect(score).to_have_value("2.5")
    expect(teacher.get_by_label("Comment for the student")).to_have_value(
        "Name a cost of both sides."
    )
    teacher.screenshot(path=artifacts_dir / "score-form-rubric.png", full_page=True)
    teacher.get_by_role("button", name="Save score").click()
    expect(teacher.locator(".message--success")).to_contain_text("Scored")
    attempt.responses.get().refresh_from_db()
    assert attempt.responses.get().manual_score == Decimal("2.5")

    # Override the assignment grade from the gradebook cell.
    teacher.goto(f"{base}/instructor/cohorts/{cohort.pk}/gradebook/")
    expect(teacher.locator(".gradebook__cell")).to_contain_text("62.5%")
    teacher.locator(".gradebook__cell a.gradebook__link").click()
    teacher.get_by_label("Grade (percent)").fill("80")
    teacher.get_by_label("Reason (shown to the student)").fill(
        "The viva showed a full answer to the objection."
    )
    teacher.get_by_role("button", name="Save the grade").click()
    expect(teacher.locator(".message--success")).to_be_visible()
    # A second click on the same form changes nothing and records nothing more.
    teacher.get_by_role("button", name="Save the grade").click()
    assert GradeOverride.objects.get(assignment=assignment).grade == Decimal("80.0")
    assert GradeAudit.objects.filter(assignment=assignment).count() == 1
    teacher.goto(f"{base}/instructor/cohorts/{cohort.pk}/gradebook/")
    expect(teacher.locator(".gradebook__cell")).to_contain_text("80.0%")
    expect(teacher.locator(".gradebook__cell")).to_contain_text("Overridden")
    teacher.screenshot(path=artifacts_dir / "gradebook-override.png", full_page=True)
    assert refused == []

    learner = chromium_browser.new_context().new_page()
    learner.set_default_timeout(15000)
    _log_in(learner, base, student)
    learner.goto(f"{base}/dashboard/")
    row = learner.locator("tr", has_text="Borders and rights")
    expect(row).to_contain_text("80.0%")
    expect(row).to_contain_text("The viva showed a full answer to the objection.")
    learner.goto(f"{base}/quizzes/attempts/{attempt.pk}/result/")
    expect(learner.locator(".grade-override")).to_contain_text(
        "The viva showed a full answer to the objection."
    )
