"""The grading queue: what waits for whom, the scoring page, and the whole essay flow."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses.models import CohortMembership
from quizzes.models import Attempt
from teaching import selectors
from tests.accounts.factories import InstructorFactory, StaffFactory, UserFactory
from tests.courses.factories import CohortFactory
from tests.helpers.factories import (
    AssignmentFactory,
    EssayQuestionFactory,
    PositionQuestionFactory,
    QuizFactory,
    awaiting_essay,
    cohort_with,
    essay_answer,
    take,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def course_setup(now):
    cohort, instructor, (ada, ben) = cohort_with(students=2)
    quiz = QuizFactory(course=cohort.course, title="Borders and rights")
    AssignmentFactory(cohort=cohort, quiz=quiz)
    essay = EssayQuestionFactory(quiz=quiz)
    return cohort, instructor, ada, ben, quiz, essay


def test_queue_holds_only_unscored_answers_of_my_cohorts(course_setup, now):
    cohort, instructor, ada, ben, quiz, essay = course_setup
    waiting = awaiting_essay(essay, ada, at=now - timedelta(hours=2))
    scored = awaiting_essay(essay, ben, at=now - timedelta(hours=1))
    scored.manual_score = Decimal(3)
    scored.save()
    # A student of someone else's cohort on the same course.
    elsewhere, _other_instructor, (cy,) = cohort_with(students=1, course=cohort.course)
    awaiting_essay(essay, cy, at=now)
    # A student who is in no cohort at all.
    awaiting_essay(essay, UserFactory(), at=now)
    queue = list(selectors.grading_queue(user=instructor))
    assert queue == [waiting]


def test_staff_see_every_answer_waiting(course_setup, now):
    _cohort, _instructor, ada, _ben, _quiz, essay = course_setup
    mine = awaiting_essay(essay, ada, at=now - timedelta(hours=1))
    loner = awaiting_essay(essay, UserFactory(), at=now)
    assert list(selectors.grading_queue(user=StaffFactory())) == [mine, loner]


def test_queue_filters_by_cohort_and_quiz(course_setup, now):
    cohort, instructor, ada, ben, quiz, essay = course_setup
    second, _, (cy,) = cohort_with(
        students=1, instructor=instructor, course=cohort.course
    )
    other_quiz = QuizFactory(course=cohort.course)
    other_essay = EssayQuestionFactory(quiz=other_quiz)
    a = awaiting_essay(essay, ada, at=now - timedelta(hours=3))
    b = awaiting_essay(other_essay, ben, at=now - timedelta(hours=2))
    c = awaiting_essay(essay, cy, at=now - timedelta(hours=1))
    assert list(selectors.grading_queue(user=instructor)) == [a, b, c]
    assert list(selectors.grading_queue(user=instructor, cohort_id=cohort.pk)) == [a, b]
    assert list(selectors.grading_queue(user=instructor, quiz_id=quiz.pk)) == [a, c]
    assert list(
        selectors.grading_queue(user=instructor, cohort_id=second.pk, quiz_id=quiz.pk)
    ) == [c]


def test_queue_counts_on_the_dashboard(course_setup, now):
    cohort, instructor, ada, ben, _quiz, essay = course_setup
    awaiting_essay(essay, ada, at=now)
    awaiting_essay(essay, ben, at=now)
    empty = CohortFactory(course=cohort.course, instructors=[instructor])
    counts = {c.pk: c.queue_count for c in selectors.taught_cohorts(instructor)}
    assert counts == {cohort.pk: 2, empty.pk: 0}


def test_queue_page_lists_answers_with_links_and_a_fixed_query_count(
    client, course_setup, now
):
    cohort, instructor, ada, ben, _quiz, essay = course_setup
    client.force_login(instructor)
    first = awaiting_essay(essay, ada, at=now)
    url = reverse("instructor:queue")
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert reverse("instructor:score", kwargs={"pk": first.pk}) in response.text
    extra, _, more = cohort_with(
        students=12, instructor=instructor, course=cohort.course
    )
    for student in more:
        awaiting_essay(essay, student, at=now)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(one.captured_queries) == len(many.captured_queries)
    assert "13 answers wait for a score" in response.text


def test_queue_page_paginates_long_queues(client, course_setup, now):
    cohort, instructor, *_rest, essay = course_setup
    _extra, _, students = cohort_with(
        students=30, instructor=instructor, course=cohort.course
    )
    for student in students:
        awaiting_essay(essay, student, at=now)
    client.force_login(instructor)
    first = client.get(reverse("instructor:queue"))
    after = re.search(r'href="\?after=([0-9.]+)"', first.text).group(1)
    second = client.get(reverse("instructor:queue"), {"after": after})
    assert first.text.count("instructor/grading/responses/") == 25
    assert second.text.count("instructor/grading/responses/") == 5
    assert 'rel="next"' not in second.text and 'rel="prev"' in second.text


def test_queue_page_shows_an_empty_state(client):
    instructor = InstructorFactory()
    client.force_login(instructor)
    response = client.get(reverse("instructor:queue"))
    assert "Nothing to grade" in response.text


def test_queue_page_refuses_a_cohort_filter_of_another_instructor(client, course_setup):
    cohort, *_ = course_setup
    client.force_login(InstructorFactory())
    response = client.get(reverse("instructor:queue"), {"cohort": cohort.pk})
    assert response.status_code == 404


def test_score_page_shows_prompt_rubric_and_essay_answer(client, course_setup, now):
    _cohort, instructor, ada, _ben, _quiz, essay = course_setup
    response = awaiting_essay(
        essay, ada, at=now, text="Rights limit what security may do."
    )
    client.force_login(instructor)
    page = client.get(reverse("instructor:score", kwargs={"pk": response.pk}))
    assert page.status_code == 200
    html = page.text
    assert essay.prompt in html
    assert "Names both values and a cost of each." in html
    assert "Rights limit what security may do." in html
    assert 'max="4.00"' in html or 'max="4"' in html


def test_score_page_shows_position_justification_and_the_automatic_part(
    client, course_setup, now
):
    cohort, instructor, ada, _ben, quiz, _essay = course_setup
    question = PositionQuestionFactory(quiz=quiz)
    response = awaiting_essay(question, ada, at=now)
    response.answer = {"position": 55, "justification": "Employers gain; locals fear."}
    response.auto_score = Decimal(2)
    response.max_score = Decimal(4)
    response.save()
    client.force_login(instructor)
    html = client.get(reverse("instructor:score", kwargs={"pk": response.pk})).text
    assert "Position 55" in html
    assert "Employers gain; locals fear." in html
    assert "Argues both sides." in html
    assert "Already earned automatically: 2 of 2." in html


def test_score_form_refuses_a_score_above_the_manual_maximum(client, course_setup, now):
    _cohort, instructor, ada, _ben, _quiz, essay = course_setup
    response = awaiting_essay(essay, ada, at=now)
    client.force_login(instructor)
    page = client.post(
        reverse("instructor:score", kwargs={"pk": response.pk}),
        {"score": "5", "comment": "Too generous"},
    )
    assert page.status_code == 200
    assert "less than or equal to 4" in page.text
    response.refresh_from_db()
    assert response.manual_score is None


def test_score_page_is_404_for_another_instructor(client, course_setup, now):
    _cohort, _instructor, ada, _ben, _quiz, essay = course_setup
    response = awaiting_essay(essay, ada, at=now)
    client.force_login(InstructorFactory())
    page = client.get(reverse("instructor:score", kwargs={"pk": response.pk}))
    assert page.status_code == 404


def test_scoring_through_the_page_grades_the_attempt_and_moves_on(
    client, course_setup, now
):
    _cohort, instructor, ada, ben, _quiz, essay = course_setup
    first = awaiting_essay(essay, ada, at=now - timedelta(hours=1))
    second = awaiting_essay(essay, ben, at=now)
    client.force_login(instructor)
    page = client.post(
        reverse("instructor:score", kwargs={"pk": first.pk}),
        {"score": "3", "comment": "Good balance."},
    )
    assert page.status_code == 302
    assert page.url == reverse("instructor:score", kwargs={"pk": second.pk})
    first.refresh_from_db()
    assert first.manual_score == Decimal(3)
    assert first.attempt.state == Attempt.State.GRADED


def test_essay_scored_in_the_queue_reaches_the_student_result(client, course_setup):
    cohort, instructor, ada, _ben, quiz, essay = course_setup
    attempt = take(quiz, ada, essay_answer(essay, "Security and rights trade off."))
    assert attempt.state == Attempt.State.NEEDS_REVIEW
    response = attempt.responses.get(question=essay)
    client.force_login(instructor)
    queue = client.get(reverse("instructor:queue"), {"cohort": cohort.pk})
    assert reverse("instructor:score", kwargs={"pk": response.pk}) in queue.text
    client.post(
        reverse("instructor:score", kwargs={"pk": response.pk}),
        {"score": "3.5", "comment": "Name a cost of security too."},
    )
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert attempt.score == Decimal("3.5")
    assert not selectors.grading_queue(user=instructor).exists()
    client.force_login(ada)
    result = client.get(reverse("quizzes:result", kwargs={"pk": attempt.pk}))
    assert "Name a cost of security too." in result.text
    assert "3.5" in result.text
    detail = client.get(reverse("api-attempt-detail", kwargs={"pk": attempt.pk}))
    assert detail.json()["score"] == 3.5
    assert detail.json()["questions"][0]["comment"] == "Name a cost of security too."


def test_a_student_in_two_of_my_cohorts_is_listed_once(course_setup, now):
    cohort, instructor, ada, _ben, _quiz, essay = course_setup
    twin = CohortFactory(course=cohort.course, instructors=[instructor])
    CohortMembership.objects.create(cohort=twin, student=ada)
    response = awaiting_essay(essay, ada, at=now)
    assert list(selectors.grading_queue(user=instructor)) == [response]
