"""A course to practise: tradeoffs, a finished quiz whose answers show, an enrolled student."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from courses.models import Enrollment
from tests.accounts.factories import UserFactory
from tests.courses.factories import (
    CourseFactory,
    LessonFactory,
    TradeoffFactory,
)
from tests.helpers.factories import take
from tests.quizzes.factories import QuizFactory, make_single_choice


@dataclass
class Practice:
    course: object
    quiz: object
    student: object
    security: object
    labour: object
    questions: list = field(default_factory=list)


def right_choice(question):
    return max(question.choices.all(), key=lambda c: c.credit)


def wrong_choice(question):
    return min(question.choices.all(), key=lambda c: c.credit)


def build(n_questions: int = 6, *, student=None, course=None) -> Practice:
    """A quiz of single-choice questions at apply level, half on each tradeoff; the
    student answered the security ones wrong and the labour ones right."""
    course = course or CourseFactory()
    lesson = LessonFactory(course=course, position=course.lessons.count() + 1)
    security = TradeoffFactory(left_value="Security", right_value="Human rights")
    labour = TradeoffFactory(left_value="Labour demand", right_value="Wages at home")
    quiz = QuizFactory(lesson=lesson, course=course)
    questions = []
    for n in range(n_questions):
        question = make_single_choice(
            quiz, marker=f"q{n}-", position=n, cognitive_level="apply"
        )
        question.tradeoffs.set([security if n % 2 == 0 else labour])
        questions.append(question)
    student = student or UserFactory()
    Enrollment.objects.get_or_create(user=student, course=course)
    answers = {
        str(q.pk): {"choice": (wrong_choice(q) if n % 2 == 0 else right_choice(q)).pk}
        for n, q in enumerate(questions)
    }
    take(quiz, student, answers)
    return Practice(course, quiz, student, security, labour, questions)


@pytest.fixture
def practice(db) -> Practice:
    return build()


# The quiz tests' artifacts folder (Chromium is the suite's, tests/conftest.py).
from tests.quizzes.conftest import artifacts_dir  # noqa: E402, F401
