"""In Chromium: assign a quiz, a student takes it, the instructor grades it and sees the grade.

Grading runs eagerly in this test (settings.CELERY_TASK_ALWAYS_EAGER and the Celery app's
task_always_eager set to True): the live server commits the submit and the grading task
runs in-process right after, so the essay shows up in the queue with no worker.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from config.celery import app as celery_app
from quizzes.models import Assignment, Attempt
from tests.accounts.factories import DEFAULT_PASSWORD
from tests.helpers.factories import (
    EssayQuestionFactory,
    QuizFactory,
    cohort_with,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_celery(settings):
    # Read first: the app loads its configuration from Django settings on first access,
    # and reading after the change below would "restore" eager mode for later tests.
    before = celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # The Celery app has read its settings already; tell it directly as well.
    celery_app.conf.task_always_eager = True
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = before


def _log_in(page, base: str, user) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_assign_take_grade_and_see_the_gradebook(
    live_server, chromium_browser, eager_celery
):
    cohort, instructor, (student,) = cohort_with(students=1, name="Section A")
    quiz = QuizFactory(course=cohort.course, title="Borders and rights")
    EssayQuestionFactory(quiz=quiz, prompt="Weigh security against human rights.")
    base = live_server.url

    teacher = chromium_browser.new_context().new_page()
    teacher.set_default_timeout(15000)
    _log_in(teacher, base, instructor)
    teacher.goto(f"{base}/instructor/")
    teacher.get_by_role("link", name="Section A", exact=True).click()
    teacher.get_by_role("link", name="Assign a quiz", exact=True).click()
    teacher.get_by_label("Quiz").select_option(label="Borders and rights")
    due = timezone.localtime() + timedelta(days=7)
    teacher.get_by_label("Due").fill(due.strftime("%Y-%m-%dT%H:%M"))
    teacher.get_by_role("button", name="Assign").click()
    expect(teacher.locator(".message--success")).to_contain_text(
        "“Borders and rights” is assigned to Section A."
    )
    assert Assignment.objects.filter(cohort=cohort, quiz=quiz).exists()

    learner = chromium_browser.new_context().new_page()
    learner.set_default_timeout(15000)
    _log_in(learner, base, student)
    learner.goto(f"{base}/dashboard/")
    row = learner.locator("tr", has_text="Borders and rights")
    expect(row.locator(".status")).to_have_text("Due")
    row.get_by_role("link", name="Borders and rights").click()
    learner.get_by_role("button", name="Start the quiz").click()
    learner.get_by_label("Your essay").fill(
        "Security protects citizens, yet it costs the rights of those who move."
    )
    learner.get_by_role("button", name="Submit…").click()
    learner.get_by_role("button", name="Submit my answers").click()
    learner.wait_for_load_state()
    attempt = Attempt.objects.get(quiz=quiz, student=student)
    assert attempt.state == Attempt.State.NEEDS_REVIEW
    learner.goto(f"{base}/dashboard/")
    expect(
        learner.locator("tr", has_text="Borders and rights").locator(".status")
    ).to_have_text("Done")

    teacher.goto(f"{base}/instructor/cohorts/{cohort.pk}/gradebook/")
    expect(teacher.locator(".gradebook__cell")).to_contain_text("Needs review")
    teacher.goto(f"{base}/instructor/")
    teacher.get_by_role("link", name="1 answer waits for a score").click()
    teacher.locator("a.button", has_text="Score").click()
    expect(teacher.get_by_text("it costs the rights of those who move")).to_be_visible()
    teacher.get_by_role("spinbutton", name="Score").fill("3")
    teacher.get_by_label("Comment for the student").fill("Name a cost of both sides.")
    teacher.get_by_role("button", name="Save score").click()
    expect(teacher.locator(".message--success")).to_contain_text("Scored")
    expect(teacher.get_by_text("Nothing to grade")).to_be_visible()

    teacher.goto(f"{base}/instructor/cohorts/{cohort.pk}/gradebook/")
    cell = teacher.locator(".gradebook__cell")
    expect(cell).to_contain_text("75.0%")
    expect(cell).not_to_contain_text("Needs review")
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED

    learner.goto(f"{base}/quizzes/attempts/{attempt.pk}/result/")
    expect(learner.get_by_text("Name a cost of both sides.")).to_be_visible()
