"""Which finished attempts an instructor may look at (quizzes.instructing)."""

from __future__ import annotations

import pytest
from django.http import Http404

from quizzes.instructing import (
    attempt_for_instructor,
    taught_attempts,
    teaching_on_course,
)
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.helpers.factories import (
    EssayQuestionFactory,
    cohort_with,
    essay_answer,
    take,
)
from tests.quizzes.factories import QuizFactory

pytestmark = pytest.mark.django_db


def test_cohort_students_and_students_in_no_cohort_each_once():
    cohort, cohort_teacher, (member,) = cohort_with(students=1)
    course = cohort.course
    # Two course instructors: a join on them would list every attempt twice.
    course_teacher, co_teacher = InstructorFactory(), InstructorFactory()
    course.instructors.add(course_teacher, co_teacher, cohort_teacher)
    quiz = QuizFactory(course=course)
    question = EssayQuestionFactory(quiz=quiz)
    in_cohort = take(quiz, member, essay_answer(question))
    loner = take(quiz, UserFactory(), essay_answer(question))

    assert sorted(taught_attempts(cohort_teacher).values_list("pk", flat=True)) == [
        in_cohort.pk,
        loner.pk,
    ]
    # A course instructor who teaches no cohort has only the students in none.
    assert list(taught_attempts(course_teacher).values_list("pk", flat=True)) == [
        loner.pk
    ]
    assert attempt_for_instructor(user=course_teacher, attempt_id=loner.pk) == loner
    with pytest.raises(Http404):
        attempt_for_instructor(user=course_teacher, attempt_id=in_cohort.pk)
    # Someone else's course: nothing.
    stranger = InstructorFactory()
    assert not taught_attempts(stranger).exists()
    with pytest.raises(Http404):
        attempt_for_instructor(user=stranger, attempt_id=loner.pk)


def test_teaching_read_once_for_a_course_lets_through_whom_taught_attempts_does():
    from django.contrib.auth.models import Permission

    from courses.models import TEACH_ALL_COHORTS
    from quizzes.models import Attempt

    cohort, cohort_teacher, (member,) = cohort_with(students=1)
    course = cohort.course
    course_teacher = InstructorFactory()
    course.instructors.add(course_teacher, cohort_teacher)
    quiz = QuizFactory(course=course)
    question = EssayQuestionFactory(quiz=quiz)
    take(quiz, member, essay_answer(question))
    take(quiz, UserFactory(), essay_answer(question))
    staff = UserFactory(is_staff=True)
    app_label, codename = TEACH_ALL_COHORTS.split(".")
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
    )
    staff = type(staff).objects.get(pk=staff.pk)
    for user in (cohort_teacher, course_teacher, InstructorFactory(), staff):
        teaching = teaching_on_course(user, course_id=course.pk)
        once = Attempt.objects.filter(quiz=quiz).filter(teaching.students("student"))
        assert sorted(once.values_list("pk", flat=True)) == sorted(
            taught_attempts(user).filter(quiz=quiz).values_list("pk", flat=True)
        ), user
