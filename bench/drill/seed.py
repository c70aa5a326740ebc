"""The drills' people and quiz, made with the test suite's factories."""

from __future__ import annotations

from django.db import transaction

from .checks import DrillData


@transaction.atomic
def make_data(*, spray_limit: int) -> DrillData:
    """Students, an instructor with a cohort, a one-question quiz; committed."""
    from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
    from tests.helpers.factories import cohort_with
    from tests.quizzes.factories import QuizFactory, make_single_choice

    quiz = QuizFactory()
    question = make_single_choice(quiz)
    right = question.choices.order_by("-credit").first()
    cohort, instructor, _ = cohort_with(students=1)
    lock_direct, lock_proxied, student, latecomer = UserFactory.create_batch(4)
    return DrillData(
        password=DEFAULT_PASSWORD,
        lock_direct=lock_direct.email,
        lock_proxied=lock_proxied.email,
        student=student.email,
        latecomer=latecomer.email,
        instructor=instructor.email,
        quiz_id=quiz.pk,
        question_id=question.pk,
        right_choice_id=right.pk,
        cohort_id=cohort.pk,
        spray_limit=spray_limit,
    )
