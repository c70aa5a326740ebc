"""Factories and builders the instructor and analytics tests share: quizzes, questions,
assignments, extensions, cohorts and attempts (started, scored or only recorded)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from courses.models import CohortMembership
from quizzes import selectors, services
from quizzes.models import (
    Assignment,
    Attempt,
    Choice,
    Extension,
    Question,
    Quiz,
    Response,
)
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import CohortFactory, CourseFactory

# Factories


class QuizFactory(factory.django.DjangoModelFactory):
    """A published, untimed quiz with unlimited attempts, graded by the highest attempt;
    choices are not shuffled, so pages list them in the order they were made."""

    class Meta:
        model = Quiz

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    title = factory.Sequence(lambda n: f"Quiz {n}")
    published = True
    shuffle_choices = False


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


class EssayQuestionFactory(QuestionFactory):
    """An essay question, all of it marked by a person against the rubric."""

    kind = Question.Kind.ESSAY
    prompt = "Weigh security against human rights at the border."
    points = Decimal("4")
    data = factory.LazyFunction(
        lambda: {"rubric": "Names both values and a cost of each.", "min_words": 0}
    )


class PositionQuestionFactory(QuestionFactory):
    """A tradeoff position with a justification a person scores."""

    kind = Question.Kind.TRADEOFF_POSITION
    prompt = "Where do you stand between labour demand and job-competition fears?"
    points = Decimal("2")
    data = factory.LazyFunction(
        lambda: {
            "left": "Labour demand",
            "right": "Job-competition fears",
            "range": [40, 70],
            "falloff": 25,
            "justification": {"points": 2, "rubric": "Argues both sides."},
        }
    )


class ChoiceQuestionFactory(QuestionFactory):
    """A single-choice question; its first choice is right (add choices with ChoiceFactory)."""

    kind = Question.Kind.SINGLE_CHOICE
    prompt = "Which value does a points-based visa system favour?"


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(ChoiceQuestionFactory)
    position = factory.Sequence(lambda n: n)
    text = factory.Sequence(lambda n: f"Option {n}")
    credit = Decimal("0")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """A quiz assigned to a cohort of its course, open now and due in a week."""

    class Meta:
        model = Assignment

    cohort = factory.SubFactory(CohortFactory)
    quiz = factory.SubFactory(
        QuizFactory, course=factory.SelfAttribute("..cohort.course")
    )
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ExtensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Extension

    assignment = factory.SubFactory(AssignmentFactory)
    student = factory.SubFactory(UserFactory)
    reason = "Illness"


# Questions of a kind, with their choices


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


def choice_question(quiz: Quiz, **kwargs) -> Question:
    """A single-choice question with a right and a wrong option."""
    question = ChoiceQuestionFactory(quiz=quiz, **kwargs)
    ChoiceFactory(question=question, text="Labour demand", credit=Decimal("1"))
    ChoiceFactory(question=question, text="Sovereignty", credit=Decimal("0"))
    return question


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


# People


def taught_cohort(course, *, students=(), instructor=None):
    """A cohort on the course taught by `instructor` (made if not given)."""
    instructor = instructor or InstructorFactory()
    cohort = CohortFactory(course=course, instructors=[instructor])
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=s) for s in students
    )
    return cohort, instructor


def cohort_with(*, students: int = 0, instructor=None, **kwargs):
    """A cohort taught by `instructor` (made if not given) with `students` members."""
    instructor = instructor or InstructorFactory()
    cohort = CohortFactory(instructors=[instructor], **kwargs)
    members = UserFactory.create_batch(students)
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=s) for s in members
    )
    return cohort, instructor, members


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


# Attempts


def take(
    quiz: Quiz,
    student,
    answers: dict | None = None,
    *,
    at: datetime | None = None,
    grade: bool = True,
) -> Attempt:
    """Start, answer and submit an attempt at `at`, then grade it as the task would."""
    at = at or timezone.now()
    attempt, _created = services.start_attempt(quiz=quiz, student=student, now=at)
    services.submit_attempt(attempt=attempt, answers=answers or {}, now=at)
    if grade:
        services.grade_attempt(attempt_id=attempt.pk, now=at)
    attempt.refresh_from_db()
    return attempt


def essay_answer(question: Question, text: str = "Security costs rights; both matter."):
    return {str(question.pk): {"text": text}}


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


def finished_attempt(
    quiz: Quiz,
    student,
    *,
    at: datetime,
    percent: int | None = None,
    state: str = Attempt.State.GRADED,
    number: int | None = None,
) -> Attempt:
    """A finished attempt row with its score, for reads that only need the outcome."""
    if number is None:
        number = Attempt.objects.filter(quiz=quiz, student=student).count() + 1
    graded = state == Attempt.State.GRADED and percent is not None
    return Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=number,
        state=state,
        started_at=at - timedelta(minutes=10),
        submitted_at=at,
        graded_at=at if graded else None,
        score=Decimal(percent) if graded else None,
        max_score=Decimal(100),
    )


def awaiting_essay(question: Question, student, *, at: datetime, text: str = "Both."):
    """An attempt waiting for a person to score its essay answer; returns the response."""
    attempt = finished_attempt(
        question.quiz, student, at=at, state=Attempt.State.NEEDS_REVIEW
    )
    attempt.score = Decimal(0)
    attempt.max_score = question.points
    attempt.save(update_fields=["score", "max_score"])
    return Response.objects.create(
        attempt=attempt,
        question=question,
        answer={"text": text},
        auto_score=Decimal(0),
        score=Decimal(0),
        max_score=question.points,
        needs_manual=True,
    )
