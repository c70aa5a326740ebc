"""Factories and builders for report tests: quizzes, questions, graded attempts, cohorts."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from courses.models import CohortMembership
from quizzes import selectors, services
from quizzes.models import Assignment, Attempt, Choice, Question, Quiz, Response
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CohortFactory, CourseFactory


class QuizFactory(factory.django.DjangoModelFactory):
    """A published quiz on a published course, graded by the highest attempt."""

    class Meta:
        model = Quiz

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    published = True


class QuestionFactory(factory.django.DjangoModelFactory):
    """A question; pass kind and data (see docs/question-data.md)."""

    class Meta:
        model = Question

    quiz = factory.SubFactory(QuizFactory)
    position = factory.Sequence(lambda n: n)
    kind = Question.Kind.SINGLE_CHOICE
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    points = Decimal("1")
    data = factory.LazyFunction(dict)


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Choice {n}")
    credit = Decimal("0")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    cohort = factory.SubFactory(CohortFactory)
    quiz = factory.SubFactory(QuizFactory)
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))


def single_choice(quiz: Quiz, *, position: int, texts=("Right", "Wrong", "Other")):
    """A single-choice question whose first choice is right; returns (question, choices)."""
    question = QuestionFactory(
        quiz=quiz, position=position, kind=Question.Kind.SINGLE_CHOICE
    )
    choices = [
        ChoiceFactory(
            question=question,
            position=i,
            text=text,
            credit=Decimal("1") if i == 0 else Decimal("0"),
        )
        for i, text in enumerate(texts)
    ]
    return question, choices


def position_question(quiz: Quiz, *, position: int, points="2") -> Question:
    return QuestionFactory(
        quiz=quiz,
        position=position,
        kind=Question.Kind.TRADEOFF_POSITION,
        points=Decimal(points),
        data={"left": "Security", "right": "Rights", "range": [40, 70], "falloff": 25},
    )


def allocation_question(quiz: Quiz, *, position: int) -> Question:
    return QuestionFactory(
        quiz=quiz,
        position=position,
        kind=Question.Kind.TRADEOFF_ALLOCATION,
        points=Decimal("2"),
        data={
            "values": ["Labour demand", "Job fears"],
            "ranges": [[30, 60], [40, 70]],
            "falloff": 30,
        },
    )


def graded_attempt(
    quiz: Quiz,
    student,
    answers: dict[Question, object],
    *,
    number: int = 1,
    submitted_at: datetime | None = None,
) -> Attempt:
    """A submitted attempt with these answers, scored by the real marking code."""
    submitted_at = submitted_at or timezone.now()
    attempt = Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=number,
        state=Attempt.State.SUBMITTED,
        started_at=submitted_at - timedelta(minutes=5),
        submitted_at=submitted_at,
    )
    Response.objects.bulk_create(
        Response(attempt=attempt, question=question, answer=answer)
        for question, answer in answers.items()
    )
    score(attempt, now=submitted_at)
    attempt.refresh_from_db()
    return attempt


@transaction.atomic
def score(attempt: Attempt, *, now: datetime) -> Attempt:
    """Score (or rescore) an attempt with the real marking code, in any state."""
    locked = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("quiz")
        .prefetch_related(
            Prefetch(
                "quiz__questions", queryset=selectors.questions_prefetch().queryset
            ),
            "responses",
        )
        .get(pk=attempt.pk)
    )
    return services.score_attempt(locked, now=now)


def taught_cohort(course, *, students=(), instructor=None):
    """A cohort on the course taught by `instructor` (made if not given)."""
    instructor = instructor or InstructorFactory()
    cohort = CohortFactory(course=course, instructors=[instructor])
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=s) for s in students
    )
    return cohort, instructor


def many_students(count: int, *, prefix: str = "bulk") -> list:
    """`count` students made in one insert; names sort in creation order."""
    users = [
        UserFactory.build(
            email=f"{prefix}{i:05d}@example.org",
            first_name=f"First{i:05d}",
            last_name=f"Last{i:05d}",
        )
        for i in range(count)
    ]
    return UserFactory._meta.model.objects.bulk_create(users)
