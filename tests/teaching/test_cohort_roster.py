"""Instructors run their cohorts' rosters and join codes; a course's instructors grade
the work of its students who are in no cohort (the course-level fallback)."""

import pytest
from django.urls import reverse

from courses import services as course_services
from courses.models import CohortMembership, Enrollment
from quizzes.models import Attempt
from teaching import selectors
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.factories import (
    EssayQuestionFactory,
    QuizFactory,
    cohort_with,
    essay_answer,
    take,
)

pytestmark = pytest.mark.django_db


def test_instructor_adds_a_student_by_email_who_is_enrolled_too(client):
    cohort, instructor, _ = cohort_with()
    student = UserFactory(email="ana@example.org")
    client.force_login(instructor)
    url = reverse("instructor:cohort-add-student", args=[cohort.pk])
    first = client.post(url, {"email": "ANA@example.org"})
    again = client.post(url, {"email": "ana@example.org"}, follow=True)
    assert first.status_code == 302
    assert "already in" in again.content.decode()
    assert CohortMembership.objects.filter(cohort=cohort, student=student).count() == 1
    assert Enrollment.objects.filter(user=student, course=cohort.course).exists()


def test_adding_an_unknown_email_is_a_clear_400(client):
    cohort, instructor, _ = cohort_with()
    client.force_login(instructor)
    response = client.post(
        reverse("instructor:cohort-add-student", args=[cohort.pk]),
        {"email": "nobody@example.org"},
    )
    assert response.status_code == 400
    assert "join code" in response.content.decode()
    assert not CohortMembership.objects.filter(cohort=cohort).exists()


def test_removing_a_student_keeps_their_enrolment_and_work(client):
    cohort, instructor, [student] = cohort_with(students=1)
    quiz = QuizFactory(course=cohort.course)
    attempt = take(quiz, student)
    client.force_login(instructor)
    url = reverse("instructor:cohort-remove-student", args=[cohort.pk, student.pk])
    assert client.post(url).status_code == 302
    assert client.post(url, follow=True).status_code == 200
    assert not CohortMembership.objects.filter(cohort=cohort).exists()
    assert Enrollment.objects.filter(user=student, course=cohort.course).exists()
    assert Attempt.objects.filter(pk=attempt.pk).exists()


def test_another_instructor_cannot_touch_the_roster_or_code(client):
    cohort, _instructor, [student] = cohort_with(students=1)
    client.force_login(InstructorFactory())
    for url in (
        reverse("instructor:cohort-add-student", args=[cohort.pk]),
        reverse("instructor:cohort-remove-student", args=[cohort.pk, student.pk]),
        reverse("instructor:cohort-join-code", args=[cohort.pk]),
    ):
        assert client.post(url, {"email": "x@example.org"}).status_code == 404
    assert cohort.memberships.count() == 1
    cohort.refresh_from_db()
    assert cohort.join_code is None


def test_students_cannot_reach_roster_actions(client):
    cohort, _instructor, [student] = cohort_with(students=1)
    client.force_login(student)
    url = reverse("instructor:cohort-remove-student", args=[cohort.pk, student.pk])
    assert client.post(url).status_code == 403
    assert cohort.memberships.count() == 1


def test_instructor_makes_rotates_and_turns_off_the_code(client):
    cohort, instructor, _ = cohort_with()
    client.force_login(instructor)
    url = reverse("instructor:cohort-join-code", args=[cohort.pk])
    client.post(url, {"action": "rotate"})
    cohort.refresh_from_db()
    first = cohort.join_code
    page = client.get(reverse("instructor:cohort", args=[cohort.pk])).content.decode()
    assert cohort.join_code_display in page
    assert f"/join/?code={cohort.join_code_display}" in page
    client.post(url, {"action": "rotate"})
    cohort.refresh_from_db()
    assert cohort.join_code not in (None, first)
    client.post(url, {"action": "disable"})
    cohort.refresh_from_db()
    assert cohort.join_code is None


def test_join_code_actions_take_only_posts(client):
    cohort, instructor, _ = cohort_with()
    client.force_login(instructor)
    assert (
        client.get(reverse("instructor:cohort-join-code", args=[cohort.pk])).status_code
        == 405
    )


def _essay_quiz(course):
    quiz = QuizFactory(course=course)
    return quiz, EssayQuestionFactory(quiz=quiz)


def test_course_instructors_grade_students_in_no_cohort(client):
    cohort, cohort_teacher, _ = cohort_with()
    course = cohort.course
    course_teacher = InstructorFactory()
    course.instructors.add(course_teacher)
    quiz, question = _essay_quiz(course)
    loner = UserFactory()
    take(quiz, loner, essay_answer(question))

    queue = list(selectors.grading_queue(user=course_teacher))
    assert [r.attempt.student_id for r in queue] == [loner.pk]
    assert queue[0].outside_cohort is True
    # A cohort's instructor who is not the course's sees only their own students.
    assert not selectors.grading_queue(user=cohort_teacher).exists()
    # Someone else's course is not there at all.
    assert not selectors.grading_queue(user=InstructorFactory()).exists()

    client.force_login(course_teacher)
    page = client.get(reverse("instructor:queue")).content.decode()
    assert "No cohort" in page
    score = client.get(reverse("instructor:score", args=[queue[0].pk]))
    assert score.status_code == 200


def test_joining_a_cohort_moves_work_from_the_fallback_to_the_cohort():
    cohort, cohort_teacher, _ = cohort_with()
    course_teacher = InstructorFactory()
    cohort.course.instructors.add(course_teacher)
    quiz, question = _essay_quiz(cohort.course)
    student = UserFactory()
    take(quiz, student, essay_answer(question))
    code = course_services.rotate_join_code(cohort=cohort)
    course_services.join_cohort(user=student, code=code)

    mine = list(selectors.grading_queue(user=cohort_teacher))
    assert [r.attempt.student_id for r in mine] == [student.pk]
    assert mine[0].outside_cohort is False
    assert not selectors.grading_queue(user=course_teacher).exists()


def test_cohort_filter_leaves_out_the_fallback():
    cohort, _teacher, _ = cohort_with()
    course_teacher = InstructorFactory()
    cohort.instructors.add(course_teacher)
    cohort.course.instructors.add(course_teacher)
    quiz, question = _essay_quiz(cohort.course)
    take(quiz, UserFactory(), essay_answer(question))
    assert selectors.grading_queue(user=course_teacher).count() == 1
    assert not selectors.grading_queue(
        user=course_teacher, cohort_id=cohort.pk
    ).exists()


def test_roster_and_join_code_api():
    from rest_framework.test import APIClient

    cohort, instructor, _ = cohort_with()
    student = UserFactory(email="lee@example.org")
    api = APIClient()
    api.force_authenticate(instructor)
    code_url = reverse("api-cohort-join-code", args=[cohort.pk])
    assert api.get(code_url).json()["code"] is None
    made = api.post(code_url).json()
    assert made["display"] == f"{made['code'][:5]}-{made['code'][5:]}"
    assert api.post(code_url).json()["code"] != made["code"]
    assert api.delete(code_url).status_code == 204
    assert api.get(code_url).json()["code"] is None

    students_url = reverse("api-cohort-students", args=[cohort.pk])
    assert api.post(students_url, {"email": "lee@example.org"}).status_code == 201
    assert api.post(students_url, {"email": "lee@example.org"}).status_code == 200
    assert api.post(students_url, {"email": "ghost@example.org"}).status_code == 400
    remove_url = reverse("api-cohort-student", args=[cohort.pk, student.pk])
    assert api.delete(remove_url).status_code == 204
    assert api.delete(remove_url).status_code == 204
    assert not cohort.memberships.exists()

    other = APIClient()
    other.force_authenticate(InstructorFactory())
    assert other.post(code_url).status_code == 404
    assert other.post(students_url, {"email": "lee@example.org"}).status_code == 404


def test_grading_queue_api_marks_the_fallback():
    from rest_framework.test import APIClient

    cohort, _teacher, [member] = cohort_with(students=1)
    course_teacher = InstructorFactory()
    cohort.instructors.add(course_teacher)
    cohort.course.instructors.add(course_teacher)
    quiz, question = _essay_quiz(cohort.course)
    loner = UserFactory()
    take(quiz, member, essay_answer(question))
    take(quiz, loner, essay_answer(question))
    api = APIClient()
    api.force_authenticate(course_teacher)
    items = api.get(reverse("api-grading-queue")).json()["results"]
    assert {(i["student"], i["outside_cohort"]) for i in items} == {
        (member.pk, False),
        (loner.pk, True),
    }


def test_grading_queue_api_does_not_grow(django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    course_teacher = InstructorFactory()
    quiz, question = _essay_quiz(cohort_with()[0].course)
    quiz.course.instructors.add(course_teacher)
    api = APIClient()
    api.force_authenticate(course_teacher)
    take(quiz, UserFactory(), essay_answer(question))
    with CaptureQueriesContext(connection) as small:
        api.get(reverse("api-grading-queue"))
    for _ in range(8):
        take(quiz, UserFactory(), essay_answer(question))
    with django_assert_num_queries(len(small)):
        assert len(api.get(reverse("api-grading-queue")).json()["results"]) == 9
