"""The scale-out drill's people, attempts and beat schedule, committed before it runs.

The burst's attempts are bulk copies of one attempt the service started (its layout and
response rows), each with every answer saved, as bench/seed.py makes the bench's burst.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

QUESTIONS = 3
SWEEP_NAME = "Sweep attempts: close expired, re-queue lost grading"
WEEKLY_NAME = "Weekly progress reports"


@dataclass
class SessionData:
    email: str
    password: str
    quiz_id: int


@dataclass
class BurstData:
    quiz_id: int
    question_count: int
    max_score: str
    # (attempt id, API token) per student
    attempts: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class ReportData:
    recipients: list[str]


@transaction.atomic
def session_student() -> SessionData:
    from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
    from tests.quizzes.factories import QuizFactory, make_single_choice

    quiz = QuizFactory()
    make_single_choice(quiz)
    student = UserFactory()
    return SessionData(email=student.email, password=DEFAULT_PASSWORD, quiz_id=quiz.pk)


def burst_students(count: int) -> BurstData:
    """`count` students, each with a token and an attempt in progress, answers saved."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from quizzes import services
    from quizzes.models import Attempt, Response
    from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
    from tests.quizzes.factories import QuizFactory, make_single_choice

    user_model = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        quiz = QuizFactory(slug="drill-burst", title="Scale-out drill")
        right = {}
        for _ in range(QUESTIONS):
            question = make_single_choice(quiz)
            right[question.pk] = question.choices.order_by("-credit").first().pk
        template, _ = services.start_attempt(quiz=quiz, student=UserFactory())
        rows = list(template.responses.values_list("question_id", "max_score"))
        password = make_password(DEFAULT_PASSWORD)
        students = user_model.objects.bulk_create(
            user_model(
                email=f"burst{n}@drill.example",
                first_name=f"Burst{n}",
                last_name="Drill",
                role=user_model.Role.STUDENT,
                password=password,
                email_verified_at=now,
            )
            for n in range(count)
        )
        tokens = {s.pk: Token.generate_key() for s in students}
        Token.objects.bulk_create(Token(key=k, user_id=pk) for pk, k in tokens.items())
        attempts = Attempt.objects.bulk_create(
            Attempt(
                quiz=quiz,
                student=student,
                number=1,
                state=Attempt.State.IN_PROGRESS,
                started_at=now - timedelta(minutes=20),
                deadline=template.deadline,
                max_score=template.max_score,
                layout=template.layout,
            )
            for student in students
        )
        Response.objects.bulk_create(
            Response(
                attempt=attempt,
                question_id=question_id,
                answer={"choice": right[question_id]},
                saved_at=now - timedelta(minutes=5),
                max_score=max_score,
            )
            for attempt in attempts
            for question_id, max_score in rows
        )
    return BurstData(
        quiz_id=quiz.pk,
        question_count=len(rows),
        max_score=str(template.max_score),
        attempts=[(a.pk, tokens[a.student_id]) for a in attempts],
    )


@transaction.atomic
def report_recipients(students: int) -> ReportData:
    """A cohort of `students` and its instructor: each is due one weekly e-mail."""
    from tests.helpers.factories import cohort_with

    _cohort, instructor, members = cohort_with(students=students)
    return ReportData(
        recipients=sorted([instructor.email, *(m.email for m in members)])
    )


def _every(seconds: int):
    from django_celery_beat.models import IntervalSchedule

    schedule, _ = IntervalSchedule.objects.get_or_create(
        every=seconds, period=IntervalSchedule.SECONDS
    )
    return schedule


@transaction.atomic
def schedule(
    *, sweep_every: int, stale_after: int, weekly_every: int | None = None
) -> None:
    """The beat schedule as an operator would set it in the admin for exam day.

    The migrations made both rows (quizzes 0002, progress 0002); a test database that
    was flushed has lost them, so they are written here by the same names. The sweep
    runs every `sweep_every` seconds and re-queues what waited `stale_after` seconds;
    with `weekly_every`, the weekly reports fire that often instead of on Mondays.
    """
    from django_celery_beat.models import PeriodicTask, PeriodicTasks

    PeriodicTask.objects.update_or_create(
        name=SWEEP_NAME,
        defaults={
            "task": "quizzes.tasks.sweep_attempts",
            "interval": _every(sweep_every),
            "crontab": None,
            "kwargs": json.dumps({"stale_after_seconds": stale_after}),
            "enabled": True,
        },
    )
    if weekly_every is not None:
        PeriodicTask.objects.update_or_create(
            name=WEEKLY_NAME,
            defaults={
                "task": "progress.tasks.build_and_send_weekly_reports",
                "interval": _every(weekly_every),
                "crontab": None,
                "enabled": True,
            },
        )
    else:
        PeriodicTask.objects.filter(name=WEEKLY_NAME).update(enabled=False)
    PeriodicTasks.update_changed()
