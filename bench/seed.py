"""Create the bench database and fill it quickly with bulk inserts.

Who is who (students are numbered 0..STUDENTS-1):
- 0..999: the cohort, with graded attempts on its 12 assignments (the CSV figure);
  student 0 also reads the quiz page and the quiz API;
- SUBMIT range: one in-progress attempt each on the 12-question quiz, answers saved;
- BURST range: the same, for the 500 simultaneous submits;
- GRADE range (inside SUBMIT): also one submitted, ungraded attempt each on a copy of
  that quiz (the grading drain);
- everyone: enrolled, with an API token (the progress-report figure).
"""

from __future__ import annotations

import io
import random
import subprocess
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bench import quiz_copy
from courses.models import Cohort, CohortMembership, Course, Enrollment
from quizzes.models import Assignment, Attempt, Quiz, Response

STUDENTS = 10_000
COHORT = range(0, 1_000)
# Students with an attempt in progress on the bench quiz for the submit figure: enough
# that wrk cannot run out in its ten seconds below 850 submits a second.
SUBMIT = [*range(1_000, 4_500), *range(5_000, 10_000)]
BURST = range(4_500, 5_000)
# Their submitted attempts for the grading drain are on a copy of the bench quiz, so a
# grading batch of the submit figure's attempts (batches stay within one quiz) can never
# take one of the drain's.
GRADE = range(5_000, 10_000)
BATCH = 5_000


@dataclass
class Seeded:
    quiz_id: int
    drain_quiz_id: int
    question_count: int
    reader_token: str
    reader_session: str
    instructor_id: int
    cohort_id: int
    submit_attempts: list[tuple[int, str]] = field(default_factory=list)
    burst_attempts: list[tuple[int, str]] = field(default_factory=list)
    grade_attempt_ids: list[int] = field(default_factory=list)


def reset_database() -> None:
    """Drop and create the bench database (and only that one)."""
    name = settings.BENCH_DB_NAME
    # Never anything but a bench database, whatever BENCH_DB_NAME says.
    assert name.startswith("bench_"), name
    connection.close()
    common = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(
        ["dropdb", *common, "--if-exists", "--force", name],
        check=True,
        capture_output=True,
    )
    subprocess.run(["createdb", *common, name], check=True, capture_output=True)


def migrate() -> None:
    """Migrate, load the migration course, collect static files for the manifest."""
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_course", verbosity=0, stdout=io.StringIO())
    call_command("collectstatic", verbosity=0, interactive=False, clear=True)


def _users(now) -> list:
    user_model = get_user_model()
    password = make_password("bench-password")
    users = [
        user_model(
            email=f"student{n:05d}@bench.test",
            first_name=f"Student{n % 97}",
            last_name=f"Bench{n:05d}",
            role=user_model.Role.STUDENT,
            password=password,
            date_joined=now,
            email_verified_at=now,
        )
        for n in range(STUDENTS)
    ]
    return user_model.objects.bulk_create(users, batch_size=BATCH)


def session_for(user) -> str:
    # The engine the site uses, so the session sits where the web processes look first.
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that authenticates (axes, when listed first, only refuses lockouts).
    backend = next(
        (b for b in settings.AUTHENTICATION_BACKENDS if not b.startswith("axes.")),
        settings.AUTHENTICATION_BACKENDS[-1],
    )
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _cohort_attempts(cohort_quizzes, students, now, rng) -> list[Attempt]:
    """Graded attempts: most students did each quiz, some twice, a few never."""
    attempts = []
    for quiz, max_score in cohort_quizzes:
        for student in students:
            roll = rng.random()
            if roll < 0.05:
                continue
            tries = 2 if roll > 0.9 else 1
            for number in range(1, tries + 1):
                submitted = now - timedelta(days=rng.randint(2, 20), minutes=number)
                attempts.append(
                    Attempt(
                        quiz=quiz,
                        student=student,
                        number=number,
                        state=Attempt.State.GRADED,
                        started_at=submitted - timedelta(minutes=15),
                        submitted_at=submitted,
                        graded_at=submitted,
                        score=(
                            max_score * Decimal(rng.randint(30, 100)) / 100
                        ).quantize(Decimal("0.001")),
                        max_score=max_score,
                    )
                )
    return attempts


def _answered_attempts(template: Attempt, students, state: str, now, answers) -> list:
    """Copies of the template attempt with every answer saved, one per student."""
    attempts = Attempt.objects.bulk_create(
        [
            Attempt(
                quiz_id=template.quiz_id,
                student=student,
                number=1,
                state=state,
                started_at=now - timedelta(minutes=20),
                submitted_at=now if state == Attempt.State.SUBMITTED else None,
                max_score=template.max_score,
                layout=template.layout,
            )
            for student in students
        ],
        batch_size=BATCH,
    )
    Response.objects.bulk_create(
        (
            Response(
                attempt=attempt,
                question_id=question_id,
                answer=answer,
                saved_at=now - timedelta(minutes=5),
                max_score=max_score,
            )
            for attempt in attempts
            for question_id, (answer, max_score) in answers.items()
        ),
        batch_size=BATCH,
    )
    return attempts


def seed() -> Seeded:
    """Fill the bench database; every figure's rows are made here, before any timing."""
    rng = random.Random(20261129)
    now = timezone.now()
    user_model = get_user_model()
    with transaction.atomic():
        course = Course.objects.get()
        if course.status != Course.Status.PUBLISHED:
            course.status = Course.Status.PUBLISHED
            course.save(update_fields=["status"])
        quiz = quiz_copy.bench_quiz(course)
        drain_quiz = quiz_copy.bench_quiz(
            course, "bench-twelve-questions-drain", "Bench drain quiz"
        )
        students = _users(now)
        instructor = user_model.objects.create_user(
            email="instructor@bench.test",
            password="bench-password",
            role=user_model.Role.INSTRUCTOR,
            email_verified_at=now,
        )
        template_student = user_model.objects.create_user(
            email="template@bench.test",
            password="bench-password",
            email_verified_at=now,
        )
        tokens = {u.pk: Token.generate_key() for u in students}
        Token.objects.bulk_create(
            [Token(key=key, user_id=pk) for pk, key in tokens.items()], batch_size=BATCH
        )
        Enrollment.objects.bulk_create(
            [Enrollment(user=u, course=course) for u in students], batch_size=BATCH
        )

        cohort = Cohort.objects.create(course=course, name="Bench cohort")
        cohort.instructors.add(instructor)
        cohort_students = [students[n] for n in COHORT]
        CohortMembership.objects.bulk_create(
            [CohortMembership(cohort=cohort, student=s) for s in cohort_students],
            batch_size=BATCH,
        )
        lesson_quizzes = list(
            Quiz.objects.filter(course=course, lesson__isnull=False).order_by(
                "lesson__position"
            )[:12]
        )
        assert len(lesson_quizzes) == 12, len(lesson_quizzes)
        Assignment.objects.bulk_create(
            [
                Assignment(
                    cohort=cohort,
                    quiz=q,
                    opens_at=now - timedelta(days=30),
                    due_at=now - timedelta(days=10) + timedelta(days=n),
                    created_by=instructor,
                )
                for n, q in enumerate(lesson_quizzes)
            ]
        )
        cohort_quizzes = [(q, quiz_copy.quiz_max(q.pk)) for q in lesson_quizzes]
        Attempt.objects.bulk_create(
            _cohort_attempts(cohort_quizzes, cohort_students, now, rng),
            batch_size=BATCH,
        )

        # The reader has a history on the bench quiz, as a returning student would.
        reader = students[0]
        bench_max = quiz_copy.quiz_max(quiz.pk)
        for number in (1, 2):
            Attempt.objects.create(
                quiz=quiz,
                student=reader,
                number=number,
                state=Attempt.State.GRADED,
                started_at=now - timedelta(days=3, minutes=number * 30),
                submitted_at=now - timedelta(days=3, minutes=number * 10),
                graded_at=now - timedelta(days=3),
                score=bench_max * Decimal("0.75"),
                max_score=bench_max,
            )

    template, answers = quiz_copy.template_and_answers(quiz, template_student)
    drain_template, drain_answers = quiz_copy.template_and_answers(
        drain_quiz, template_student
    )
    with transaction.atomic():
        submit = _answered_attempts(
            template,
            [students[n] for n in SUBMIT],
            Attempt.State.IN_PROGRESS,
            now,
            answers,
        )
        burst = _answered_attempts(
            template,
            [students[n] for n in BURST],
            Attempt.State.IN_PROGRESS,
            now,
            answers,
        )
        graded = _answered_attempts(
            drain_template,
            [students[n] for n in GRADE],
            Attempt.State.SUBMITTED,
            now,
            drain_answers,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")

    return Seeded(
        quiz_id=quiz.pk,
        drain_quiz_id=drain_quiz.pk,
        question_count=len(answers),
        reader_token=tokens[students[0].pk],
        reader_session=session_for(students[0]),
        instructor_id=instructor.pk,
        cohort_id=cohort.pk,
        submit_attempts=[(a.pk, tokens[a.student_id]) for a in submit],
        burst_attempts=[(a.pk, tokens[a.student_id]) for a in burst],
        grade_attempt_ids=[a.pk for a in graded],
    )
