"""In Chromium: the final assessment is reachable from the course page and Resume returns
to it; the Grades page leads to feedback; a student joins a cohort with its code."""

import re

import pytest
from playwright.sync_api import expect

from courses.models import CohortMembership
from quizzes.models import Attempt
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.courses.factories import CourseFactory, EnrollmentFactory, LessonFactory
from tests.helpers.factories import cohort_with
from tests.quizzes.factories import (
    QuizFactory,
    QuizWithoutLessonFactory,
    make_single_choice,
)
from tests.quizzes.test_course_plan import attempt

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(chromium_browser, base: str, user):
    page = chromium_browser.new_context(base_url=base).new_page()
    page.set_default_timeout(15000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def _course():
    course = CourseFactory(title="Global migration")
    lessons = [
        LessonFactory(course=course, position=n, title=f"Section {n}") for n in (1, 2)
    ]
    quiz = QuizFactory(lesson=lessons[0], course=course, title="Quiz on section 1")
    final = QuizWithoutLessonFactory(course=course, title="Final assessment")
    make_single_choice(final, position=0)
    return course, lessons, quiz, final


def test_the_final_is_reachable_from_the_course_page_and_resume_returns_to_it(
    live_server, chromium_browser
):
    course, lessons, quiz, final = _course()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    page = _page(chromium_browser, live_server.url, student)
    try:
        page.goto(course.get_absolute_url())
        expect(page.get_by_role("heading", name="Final assessment")).to_be_visible()
        lesson_quizzes = page.get_by_role("list", name="Quizzes of Section 1")
        expect(lesson_quizzes.get_by_role("link", name=quiz.title)).to_be_visible()
        page.get_by_role("link", name=final.title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(final.title)
        page.get_by_role("button", name="Start the quiz").click()
        page.wait_for_url(re.compile(r"/quizzes/attempts/\d+/$"))
        attempt_url = page.url

        page.goto(course.get_absolute_url())
        final_item = page.locator(".quiz-list--final li")
        expect(final_item).to_contain_text("In progress")
        page.get_by_role("link", name="Resume where I left off").click()
        page.wait_for_url(attempt_url)
    finally:
        page.context.close()


def test_grades_page_shows_every_quiz_and_leads_to_feedback(
    live_server, chromium_browser
):
    course, lessons, quiz, final = _course()
    student = UserFactory()
    EnrollmentFactory(user=student, course=course)
    graded = attempt(quiz, student, Attempt.State.GRADED, 80)
    attempt(final, student, Attempt.State.NEEDS_REVIEW)
    page = _page(chromium_browser, live_server.url, student)
    try:
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Grades"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My grades")
        table = page.get_by_role("table", name="Grades in Global migration")
        quiz_row = table.get_by_role("row", name=re.compile(quiz.title))
        expect(quiz_row).to_contain_text("80.0%")
        final_row = table.get_by_role("row", name=re.compile(final.title))
        expect(final_row).to_contain_text("1 attempt")
        expect(page.get_by_text("1 attempt waits for a grader")).to_be_visible()
        quiz_row.get_by_role("link", name=re.compile("Attempt 1")).click()
        page.wait_for_url(re.compile(rf"/quizzes/attempts/{graded.pk}/result/$"))
    finally:
        page.context.close()


def test_a_student_joins_a_cohort_with_the_code_the_instructor_shares(
    live_server, chromium_browser
):
    cohort, instructor, _ = cohort_with(name="Section A")
    student = UserFactory(first_name="Amina", last_name="Diallo")
    teacher = _page(chromium_browser, live_server.url, instructor)
    learner = _page(chromium_browser, live_server.url, student)
    try:
        teacher.goto(f"/instructor/cohorts/{cohort.pk}/")
        teacher.get_by_role("button", name="Make a join code").click()
        code = teacher.get_by_test_id("join-code").inner_text()
        assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", code)

        learner.goto("/join/")
        learner.get_by_label("Join code").fill(code.lower().replace("-", " "))
        learner.get_by_role("button", name="Join").click()
        learner.wait_for_url(re.compile(rf"{cohort.course.get_absolute_url()}$"))
        expect(learner.get_by_text("You joined Section A.")).to_be_visible()
        assert CohortMembership.objects.filter(cohort=cohort, student=student).exists()

        # The shared link shows the cohort first; joining again changes nothing.
        link = teacher.get_by_label("Link to share").input_value()
        learner.goto(link)
        learner.get_by_role("button", name="Join Section A").click()
        expect(learner.get_by_text("You are already in Section A.")).to_be_visible()

        teacher.reload()
        roster = teacher.locator(".roster")
        expect(roster).to_contain_text("Amina Diallo")
        teacher.get_by_role("button", name="Make a new code").click()
        learner.goto("/join/")
        learner.get_by_label("Join code").fill(code)
        learner.get_by_role("button", name="Join").click()
        expect(learner.get_by_text("No cohort uses this code")).to_be_visible()

        teacher.get_by_role("button", name="Remove Amina Diallo").click()
        expect(teacher.get_by_text("their work is kept")).to_be_visible()
        assert not CohortMembership.objects.filter(cohort=cohort).exists()
    finally:
        teacher.context.close()
        learner.context.close()
