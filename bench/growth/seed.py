"""Seed one size of the growth bench by bulk inserts: S students and about S of each.

At size S (students numbered 0..S-1, all enrolled and in the course cohort):
- the bench's 12-question quiz: S graded attempts (students 0..0.9 S first attempts, the
  rest second attempts of the first 0.1 S), 12 response rows each, every answer either
  the key's (full marks) or left blank (0), more often right for abler students, so the
  statistics have spread and correlation; then the key of its first single-choice
  question moves to another choice, so a regrade has work to do;
- a gradebook cohort of S / 10 students with 12 assignments and about S graded attempts
  (bench.seed's cohort attempts: 95 % did each quiz, some twice);
- an essay quiz with S attempts waiting for the instructor, one essay answer each;
- a peer-reviewed quiz with S answers waiting for their reviews (bench.growth.peer);
- one instructor teaching both cohorts.
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from bench.growth import peer
from bench.quiz_copy import _copy_question, answer_for, bench_quiz, quiz_max
from bench.seed import _cohort_attempts
from courses.models import Cohort, CohortMembership, Course, Enrollment
from quizzes import frozen, grading, selectors
from quizzes.models import Assignment, Attempt, Question, Quiz, Response
from quizzes.services import marking

BATCH = 5_000


def _chunks(items, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _bulk(model, rows) -> list:
    made = []
    for chunk in _chunks(rows):
        made.extend(model.objects.bulk_create(chunk))
    return made


def _students(size: int, now) -> list:
    user_model = get_user_model()
    password = make_password("bench-password")
    return _bulk(
        user_model,
        [
            user_model(
                email=f"student{n:06d}@growth.test",
                first_name=f"Student{n % 97}",
                last_name=f"Growth{n:06d}",
                role=user_model.Role.STUDENT,
                password=password,
                date_joined=now,
                email_verified_at=now,
            )
            for n in range(size)
        ],
    )


def _copy(model, columns: list[str], rows) -> None:
    """COPY rows (tuples in `columns` order) into the model's table: the response
    rows of 100,000 attempts went in by bulk_create at about a quarter of the seed."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


_RESPONSE_COLUMNS = [
    "attempt_id",
    "question_id",
    "answer",
    "saved_at",
    "auto_score",
    "score",
    "max_score",
    "feedback",
    "needs_manual",
    "comment",
    "override_reason",
    "graded_at",
    "graded_version_id",
]


def _graded_quiz_attempts(quiz: Quiz, students: list, now, rng) -> None:
    """S graded attempts of the 12-question quiz, with their response rows.

    Each row is what the grader writes for its answer (score, feedback and the stored
    version of the question it was graded against), worked out once per question and
    outcome, so a regrade after the key moves rewrites only the rows whose mark moved.
    """
    questions = list(selectors.quiz_with_questions(quiz_id=quiz.pk).questions.all())
    versions = frozen.versions_of(questions)
    keys = []
    for position, question in enumerate(questions):
        answer = answer_for(question)
        key = grading.check_key(selectors.question_key(question))
        outcomes = {}
        for right in (True, False):
            given = answer if right else None
            result = grading.grade(key, given)
            outcomes[right] = (
                None if given is None else Jsonb(given),
                marking.as_points(result.auto_points),
                Jsonb(result.feedback),
            )
        points = marking.as_points(key.max_points)
        hardness = 0.15 + 0.05 * position
        keys.append((question.id, outcomes, points, hardness, versions[question.id].pk))
    max_score = sum(points for _, _, points, _, _ in keys)
    size = len(students)
    firsts = int(size * 0.9)
    ability = [rng.random() for _ in students]
    owners = [(n, 1) for n in range(firsts)] + [(n, 2) for n in range(size - firsts)]
    for chunk in _chunks(owners, 20_000):
        attempts, responses = [], []
        for n, number in chunk:
            submitted = now - timedelta(days=3, minutes=number * 20)
            rows, total = [], Decimal(0)
            for question_id, outcomes, points, hardness, version_id in keys:
                right = rng.random() < 0.25 + 0.7 * ability[n] - hardness + 0.3
                answer, score, feedback = outcomes[right]
                total += score
                rows.append(
                    (question_id, answer, submitted, score, score, points, feedback)
                    + (False, "", "", submitted, version_id)
                )
            attempts.append(
                Attempt(
                    quiz=quiz,
                    student=students[n],
                    number=number,
                    state=Attempt.State.GRADED,
                    started_at=submitted - timedelta(minutes=15),
                    submitted_at=submitted,
                    graded_at=submitted,
                    score=marking.floored_total(total),
                    max_score=max_score,
                )
            )
            responses.append(rows)
        _bulk(Attempt, attempts)
        _copy(
            Response,
            _RESPONSE_COLUMNS,
            (
                (attempt.pk, *row)
                for attempt, rows in zip(attempts, responses, strict=True)
                for row in rows
            ),
        )


def _move_key(quiz: Quiz) -> None:
    """Make another choice the right one on the quiz's first single-choice question."""
    question = quiz.questions.filter(kind=Question.Kind.SINGLE_CHOICE).order_by(
        "position"
    )[0]
    choices = list(question.choices.order_by("-credit", "position"))
    right, other = choices[0], choices[1]
    right.credit, other.credit = other.credit, right.credit
    right.save(update_fields=["credit"])
    other.save(update_fields=["credit"])


def _essay_quiz(course: Course) -> Quiz:
    source = Question.objects.filter(kind=Question.Kind.ESSAY).first()
    quiz = Quiz.objects.create(
        course=course,
        slug="growth-essay",
        title="Growth essay quiz",
        published=True,
        attempts_allowed=None,
    )
    _copy_question(source, quiz, 1)
    return quiz


def _waiting_answers(quiz: Quiz, students: list, now) -> None:
    question = quiz.questions.get()
    points = Decimal(question.points)
    # Each answer its own submission time, a second apart, as real submits have (one
    # time per 5,000 made the queue's keyset sort every tie of its first page).
    start = now - timedelta(days=2, seconds=len(students))
    for offset, chunk in enumerate(_chunks(students)):
        attempts = Attempt.objects.bulk_create(
            [
                Attempt(
                    quiz=quiz,
                    student=student,
                    number=1,
                    state=Attempt.State.NEEDS_REVIEW,
                    started_at=now - timedelta(days=2, minutes=30),
                    submitted_at=start + timedelta(seconds=offset * BATCH + n),
                    score=Decimal(0),
                    max_score=points,
                )
                for n, student in enumerate(chunk)
            ]
        )
        Response.objects.bulk_create(
            [
                Response(
                    attempt=attempt,
                    question=question,
                    answer={"text": "Security and rights pull apart; " * 8},
                    saved_at=attempt.submitted_at,
                    auto_score=Decimal(0),
                    max_score=points,
                    needs_manual=True,
                )
                for attempt in attempts
            ]
        )


def seed(size: int) -> dict:
    """Fill a freshly migrated database for one size; return the ids the jobs need."""
    rng = random.Random(20261204 + size)
    now = timezone.now()
    user_model = get_user_model()
    with transaction.atomic():
        course = Course.objects.get()
        if course.status != Course.Status.PUBLISHED:
            course.status = Course.Status.PUBLISHED
            course.save(update_fields=["status"])
        quiz = bench_quiz(course, "growth-twelve", "Growth quiz")
        students = _students(size, now)
        _bulk(Enrollment, [Enrollment(user=u, course=course) for u in students])
        instructor = user_model.objects.create_user(
            email="instructor@growth.test",
            password="bench-password",
            role=user_model.Role.INSTRUCTOR,
            email_verified_at=now,
        )
        everyone = Cohort.objects.create(course=course, name="Growth course cohort")
        everyone.instructors.add(instructor)
        _bulk(
            CohortMembership,
            [CohortMembership(cohort=everyone, student=s) for s in students],
        )
        book = Cohort.objects.create(course=course, name="Growth gradebook cohort")
        book.instructors.add(instructor)
        book_students = students[: max(1, size // 10)]
        _bulk(
            CohortMembership,
            [CohortMembership(cohort=book, student=s) for s in book_students],
        )
        lesson_quizzes = list(
            Quiz.objects.filter(course=course, lesson__isnull=False).order_by(
                "lesson__position"
            )[:12]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(
                    cohort=book,
                    quiz=q,
                    opens_at=now - timedelta(days=30),
                    due_at=now - timedelta(days=10) + timedelta(days=n),
                    created_by=instructor,
                )
                for n, q in enumerate(lesson_quizzes)
            ]
        )
        _bulk(
            Attempt,
            _cohort_attempts(
                [(q, quiz_max(q.pk)) for q in lesson_quizzes], book_students, now, rng
            ),
        )
        essay = _essay_quiz(course)
        peer_quiz = peer.seed(course, students, now)
    with transaction.atomic():
        _graded_quiz_attempts(quiz, students, now, rng)
    with transaction.atomic():
        _waiting_answers(essay, students, now)
    _move_key(quiz)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "size": size,
        "quiz_id": quiz.pk,
        "essay_quiz_id": essay.pk,
        "peer_quiz_id": peer_quiz.pk,
        "cohort_id": everyone.pk,
        "book_cohort_id": book.pk,
        "book_students": len(book_students),
        "instructor_id": instructor.pk,
        "attempts": Attempt.objects.filter(quiz=quiz).count(),
        "first_attempts": Attempt.objects.filter(quiz=quiz, number=1).count(),
    }
