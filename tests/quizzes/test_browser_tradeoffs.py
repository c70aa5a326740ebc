"""In Chromium (issue 16): a student argues a position at 0 and earns the same automatic
credit as at 50; the result shows the tradeoff map of every option; the class's spread
appears once the review opens; the instructor scores the argument with the rubric."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fixtures.quiz_bank.helpers import RUBRIC_CRITERIA
from quizzes import grading, services
from quizzes.models import Choice, Question, Response
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.helpers.factories import (
    AssignmentFactory,
    QuizFactory,
    cohort_with,
    take,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARGUMENT = {
    "value": "I put border security first: a state that cannot check arrivals "
    "loses the consent any migration policy needs.",
    "gains": "Residents and lawful migrants gain a system they trust, with "
    "predictable and faster decisions.",
    "costs": "People with valid claims bear longer waits; border towns bear "
    "crowded reception centres for years.",
    "objection": "Rights advocates say checks delay protection for refugees; "
    "funded fast tracks answer much of that.",
    "evidence": "Audits showing valid claims refused more often under tighter "
    "checks would change my view.",
}


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _quiz(course):
    quiz = QuizFactory(
        course=course,
        title="Borders and rights",
        attempts_allowed=2,
        review_immediately="feedback",
        review_while_open="feedback",
        review_after_close="answers",
    )
    position = Question.objects.create(
        quiz=quiz,
        position=1,
        kind=Question.Kind.TRADEOFF_POSITION,
        prompt="Where should screening sit? Argue your position.",
        points=Decimal(1),
        data={
            "scoring": 2,
            "left": "Border security",
            "right": "Migrants' rights",
            "range": [20, 80],
            "justification": {
                "points": 3,
                "rubric": "Argue it in five parts.",
                "rubric_criteria": RUBRIC_CRITERIA,
            },
        },
    )
    scenario = Question.objects.create(
        quiz=quiz,
        position=2,
        kind=Question.Kind.SINGLE_CHOICE,
        name="Scenario: screening",
        prompt="According to the essay, which screening fits best?",
        points=Decimal(2),
    )
    for n, (text, credit) in enumerate(
        [("Check each arrival", 1), ("Hold everyone", 0.5), ("Check no one", 0.5)]
    ):
        Choice.objects.create(
            question=scenario,
            position=n,
            text=text,
            credit=Decimal(str(credit)),
            feedback=f"Feedback on {text}.",
            feedback_gains=f"Gains of {text}.",
            feedback_costs=f"Costs of {text}.",
            feedback_objection=f"Objection to {text}.",
        )
    return quiz, position, scenario


def test_argue_at_0_see_the_map_and_the_spread_and_be_scored_by_rubric(
    live_server, chromium_browser, artifacts_dir
):
    cohort, instructor, (student, *others) = cohort_with(students=4)
    quiz, position, scenario = _quiz(cohort.course)
    AssignmentFactory(cohort=cohort, quiz=quiz)
    # Three classmates before: one at 50 with the same argument, two elsewhere.
    at_50 = take(
        quiz, others[0], {str(position.pk): {"position": 50, "justification": ARGUMENT}}
    )
    for other, where in zip(others[1:], (90, 100), strict=True):
        take(
            quiz,
            other,
            {str(position.pk): {"position": where, "justification": ARGUMENT}},
        )
    base = live_server.url

    page = chromium_browser.new_context(
        viewport={"width": 1100, "height": 900}
    ).new_page()
    page.set_default_timeout(15000)
    _log_in(page, base, student)
    page.goto(f"{base}/quizzes/{quiz.pk}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_label("Or type your position").fill("0")
    for part, text in ARGUMENT.items():
        page.get_by_label(str(grading.PART_LABELS[part])).fill(text)
    page.get_by_label("Hold everyone").check()
    page.screenshot(path=artifacts_dir / "tradeoff-take.png", full_page=True)
    page.get_by_role("button", name="Submit…").click()
    page.get_by_role("button", name="Submit my answers").click()
    page.wait_for_url("**/result/")

    mine = Response.objects.get(attempt__student=student, question=position)
    # Grading runs in Celery; the test grades as the task would, then reloads.
    services.grade_attempt(attempt_id=mine.attempt_id)
    page.reload()
    mine.refresh_from_db()
    theirs = Response.objects.get(attempt=at_50, question=position)
    assert mine.answer["position"] == 0
    assert mine.auto_score == theirs.auto_score == Decimal("1.000")

    # The tradeoff map: every option's gains, costs and objection, side by side.
    table = page.locator("table.tradeoff-map")
    expect(table).to_be_visible()
    for text in ("Check each arrival", "Hold everyone", "Check no one"):
        for part in ("Gains of", "Costs of", "Objection to"):
            expect(table).to_contain_text(f"{part} {text}.")
    expect(page.locator(".class-spread")).to_have_count(0)
    expect(page.get_by_text("defensible range")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "tradeoff-map.png", full_page=True)

    # The quiz closes for review: the class's spread appears beside the position.
    quiz.closes_at = timezone.now() - timedelta(seconds=1)
    quiz.opens_at = None
    quiz.save(update_fields=["closes_at", "opens_at"])
    page.reload()
    spread = page.locator(".class-spread")
    expect(spread).to_contain_text("Where the class stood")
    expect(spread).to_contain_text("4 answers")
    page.screenshot(path=artifacts_dir / "tradeoff-spread.png", full_page=True)

    # The instructor scores the argument with the rubric's criteria.
    teacher = chromium_browser.new_context().new_page()
    teacher.set_default_timeout(15000)
    _log_in(teacher, base, instructor)
    teacher.goto(f"{base}/instructor/grading/responses/{mine.pk}/")
    expect(teacher.get_by_text("Unusual position")).to_be_visible()
    for criterion in RUBRIC_CRITERIA:
        teacher.get_by_role("radio", name=criterion["levels"][-1]["label"]).check()
    expect(teacher.get_by_role("spinbutton", name="Score")).to_have_value("3")
    teacher.screenshot(path=artifacts_dir / "tradeoff-rubric.png", full_page=True)
    teacher.get_by_role("button", name="Save score").click()
    expect(teacher.locator(".message--success")).to_contain_text("Scored")
    mine.refresh_from_db()
    assert mine.manual_score == Decimal("3.000")
    assert mine.score == Decimal("4.000")
