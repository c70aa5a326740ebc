"""Seed data for progress reports: a cohort with a week of lessons, attempts and work due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from courses.models import CohortMembership, Lesson, LessonCompletion, Tradeoff
from quizzes.models import Assignment, Attempt, Question, Quiz, Response
from tests.accounts.factories import InstructorFactory, UserFactory
from tests.courses.factories import (
    CohortFactory,
    CourseFactory,
    LessonFactory,
    TradeoffFactory,
)
from tests.quizzes.factories import (
    QuizFactory,
    make_short_answer,
    make_single_choice,
    make_true_false,
)

# ISO week 2026-W47: Monday 16 November 2026 to Monday 23 November 2026 (UTC).
PERIOD = date(2026, 11, 16)
WEEK_START = datetime(2026, 11, 16, tzinfo=UTC)


def at(day: int, hour: int = 12) -> datetime:
    """A moment in November 2026, UTC."""
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@dataclass
class Seeded:
    """The cohort of the report tests and what its people did."""

    course: object
    lessons: list[Lesson]
    tradeoffs: list[Tradeoff]
    quiz: Quiz
    questions: list[Question]
    due_quiz: Quiz
    overdue_quiz: Quiz
    instructor: object
    ada: object  # busy: two graded attempts, two lessons
    ben: object  # late and waiting for an essay score
    cleo: object  # opted out of progress e-mails
    cohort: object
    extra: dict = field(default_factory=dict)


def graded_attempt(
    quiz: Quiz, student, scores: dict[Question, Decimal], *, when: datetime, number: int
) -> Attempt:
    """A graded attempt with one scored response per question."""
    score = sum(scores.values(), Decimal(0))
    total = sum((q.points for q in scores), Decimal(0))
    attempt = Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=number,
        state=Attempt.State.GRADED,
        started_at=when - timedelta(minutes=20),
        submitted_at=when,
        graded_at=when,
        score=score,
        max_score=total,
    )
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=question,
            answer={},
            auto_score=value,
            score=value,
            max_score=question.points,
        )
        for question, value in scores.items()
    )
    return attempt


def seed_cohort() -> Seeded:
    """Three students, one instructor, a quiz touching two tradeoffs, three assignments.

    Ada finished lesson 1 last week and lesson 2 this week; she scored 50% on the quiz
    last week and 75% this week (q1 2/2, q2 0/1, q3 1/1), so her mastery is 2/3 = 67% on
    the first tradeoff (q1, q2) and 1/2 = 50% on the second (q2, q3), and lesson 1's
    second paragraph (q2) is worth reviewing. Ben submitted late and waits for an essay
    score. Cleo opted out.
    """
    course = CourseFactory(title="Global migration")
    lessons = [
        LessonFactory(course=course, position=i, title=title, slug=f"part-{i}")
        for i, title in enumerate(["Borders", "Labour", "Remittances"], start=1)
    ]
    security = TradeoffFactory(left_value="Security", right_value="Human rights")
    labour = TradeoffFactory(left_value="Labour demand", right_value="Job fears")
    quiz = QuizFactory(lesson=lessons[0], title="Borders check")
    # At apply level: mastery of a tradeoff counts these, not recall.
    applied = {"cognitive_level": Question.Level.APPLY}
    q1 = make_single_choice(
        quiz, lesson=lessons[0], paragraph=1, points=Decimal(2), **applied
    )
    q2 = make_short_answer(
        quiz, lesson=lessons[0], paragraph=2, name="Who decides?", **applied
    )
    q3 = make_true_false(quiz, lesson=lessons[1], paragraph=1, **applied)
    q1.tradeoffs.set([security])
    q2.tradeoffs.set([security, labour])
    q3.tradeoffs.set([labour])
    essay = Question.objects.create(
        quiz=quiz,
        position=9,
        kind=Question.Kind.ESSAY,
        prompt="Weigh security against rights.",
        points=Decimal(4),
        data={"rubric": "Both sides.", "min_words": 0},
    )
    due_quiz = QuizFactory(lesson=lessons[1], title="Labour markets")
    overdue_quiz = QuizFactory(lesson=lessons[2], title="Remittance flows")

    instructor = InstructorFactory(first_name="Irene", last_name="Teach")
    ada = UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.org")
    ben = UserFactory(first_name="Ben", last_name="Okri", email="ben@example.org")
    cleo = UserFactory(
        first_name="Cleo",
        last_name="Opt",
        email="cleo@example.org",
        progress_emails=False,
    )
    cohort = CohortFactory(course=course, name="Autumn", instructors=[instructor])
    for student in (ada, ben, cleo):
        CohortMembership.objects.create(cohort=cohort, student=student)
    opens = at(1)
    Assignment.objects.create(cohort=cohort, quiz=quiz, opens_at=opens, due_at=at(19))
    Assignment.objects.create(
        cohort=cohort, quiz=overdue_quiz, opens_at=opens, due_at=at(20)
    )
    Assignment.objects.create(
        cohort=cohort, quiz=due_quiz, opens_at=opens, due_at=at(25)
    )

    LessonCompletion.objects.create(user=ada, lesson=lessons[0], completed_at=at(10))
    LessonCompletion.objects.create(user=ada, lesson=lessons[1], completed_at=at(17))
    # After the week: must not count in W47's report.
    LessonCompletion.objects.create(user=ada, lesson=lessons[2], completed_at=at(24))
    graded_attempt(
        quiz,
        ada,
        {q1: Decimal(2), q2: Decimal(0), q3: Decimal(0)},
        when=at(10),
        number=1,
    )
    graded_attempt(
        quiz,
        ada,
        {q1: Decimal(2), q2: Decimal(0), q3: Decimal(1)},
        when=at(18),
        number=2,
    )
    late = Attempt.objects.create(
        quiz=quiz,
        student=ben,
        number=1,
        state=Attempt.State.NEEDS_REVIEW,
        started_at=at(21),
        submitted_at=at(21),
        score=Decimal(0),
        max_score=Decimal(4),
    )
    Response.objects.create(
        attempt=late,
        question=essay,
        answer={"text": "Both matter."},
        auto_score=Decimal(0),
        score=Decimal(0),
        max_score=Decimal(4),
        needs_manual=True,
    )
    return Seeded(
        course=course,
        lessons=lessons,
        tradeoffs=[security, labour],
        quiz=quiz,
        questions=[q1, q2, q3],
        due_quiz=due_quiz,
        overdue_quiz=overdue_quiz,
        instructor=instructor,
        ada=ada,
        ben=ben,
        cleo=cleo,
        cohort=cohort,
    )


def add_busy_students(seeded: Seeded, count: int, *, cohort=None) -> list:
    """More students, each with a completion, a graded attempt and its responses."""
    students = UserFactory.create_batch(count)
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort or seeded.cohort, student=s) for s in students
    )
    LessonCompletion.objects.bulk_create(
        LessonCompletion(user=s, lesson=seeded.lessons[0], completed_at=at(17))
        for s in students
    )
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=seeded.quiz,
            student=s,
            number=1,
            state=Attempt.State.GRADED,
            started_at=at(17),
            submitted_at=at(17),
            graded_at=at(17),
            score=Decimal(2),
            max_score=Decimal(4),
        )
        for s in students
    )
    Response.objects.bulk_create(
        Response(
            attempt=attempt,
            question=question,
            answer={},
            score=Decimal(1),
            max_score=question.points,
        )
        for attempt in attempts
        for question in seeded.questions
    )
    return students


def quiet_students(count: int, *, cohort=None) -> list:
    """Students in a cohort with nothing done: enough for outbox and delivery tests."""
    cohort = cohort or CohortFactory(instructors=[])
    students = UserFactory.create_batch(count)
    CohortMembership.objects.bulk_create(
        CohortMembership(cohort=cohort, student=s) for s in students
    )
    return students
