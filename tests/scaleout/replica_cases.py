"""Report reads on a real streaming replica; run by test_read_replica.py, not alone.

The settings name a primary (DATABASE_URL) and a replica of it made with pg_basebackup
(DATABASE_REPLICA_URL); pytest-django creates the test database on the primary and the
replica receives it by replication. Pausing the replica's WAL replay
(`pg_wal_replay_pause()`) freezes what it shows, so a read it serves is told from one
the primary serves by whether it sees what was written after the pause.
"""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from analytics import exports, services
from analytics.models import ExportJob, QuizStatistics
from core.replica import (
    PIN_COOKIE,
    REPLICA,
    ReplicaRouter,
    primary_reads,
    replica_reads,
)
from courses.models import CohortMembership
from quizzes.models import Attempt, Quiz
from tests.accounts.factories import UserFactory
from tests.courses.factories import CourseFactory
from tests.helpers.factories import QuizFactory, single_choice, taught_cohort

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture(autouse=True)
def replica_settings(settings, tmp_path):
    if REPLICA not in settings.DATABASES:
        pytest.fail("Run through tests/scaleout/test_read_replica.py", pytrace=False)
    settings.EXPORTS_ROOT = tmp_path / "exports"
    yield
    resume_replay()
    # The export requested through the page queued a task no worker here will take.
    from config.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")


def _lsn(alias: str, function: str):
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT {function}")
        return cursor.fetchone()[0]


def caught_up() -> None:
    """Wait until the replica has replayed everything the primary wrote so far.

    The target is where the primary *inserted* its last WAL record. Its write position
    (`pg_current_wal_lsn()`) can trail that by up to the WAL writer's delay: the drill's
    clusters commit asynchronously (`synchronous_commit=off`), so a commit returns
    before its record is written, and a wait on the write position could end before
    the replica has even received the last commit.
    """
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s) >= 0", [target]
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    pytest.fail("The replica did not catch up within 20 s")


def pause_replay() -> None:
    caught_up()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")


def resume_replay() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")


@pytest.fixture
def reported_quiz():
    """A quiz with stored statistics over one graded attempt, and its instructor."""
    course = CourseFactory()
    student = UserFactory()
    cohort, instructor = taught_cohort(course, students=[student])
    quiz = QuizFactory(course=course)
    single_choice(quiz, position=1)
    Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=1,
        state=Attempt.State.GRADED,
        submitted_at=timezone.now(),
        score=Decimal(1),
        max_score=Decimal(1),
    )
    services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")
    return {"quiz": quiz, "instructor": instructor, "cohort": cohort}


def test_the_replica_is_a_hot_standby_of_the_primary():
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_database()")
        in_recovery, name = cursor.fetchone()
    assert in_recovery is True
    assert name == settings.DATABASES["default"]["NAME"]
    assert settings.DATABASES[REPLICA]["PORT"] != settings.DATABASES["default"]["PORT"]


def test_reads_go_to_the_replica_only_in_a_report_scope_and_never_in_a_transaction():
    router = ReplicaRouter()

    assert router.db_for_read(Quiz) is None
    with replica_reads():
        assert router.db_for_read(Quiz) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Quiz) == "default"
        with primary_reads():
            assert router.db_for_read(Quiz) == "default"
        assert router.db_for_read(Quiz) == REPLICA
        assert router.db_for_write(Quiz) == "default"


def test_the_statistics_page_is_served_by_the_replica_stale_then_fresh(
    client, reported_quiz
):
    quiz = reported_quiz["quiz"]
    client.force_login(reported_quiz["instructor"])
    url = reverse("reports:quiz-statistics", kwargs={"pk": quiz.pk})
    pause_replay()
    QuizStatistics.objects.filter(quiz=quiz).update(attempt_count=7)

    stale = client.get(url)
    resume_replay()
    caught_up()
    fresh = client.get(url)

    # The primary held 7 during both reads: the first came from the paused replica.
    assert stale.status_code == fresh.status_code == 200
    assert stale.context["stats"].attempt_count == 1
    assert fresh.context["stats"].attempt_count == 7


def test_statistics_the_replica_has_not_replayed_are_read_from_the_primary(
    client, reported_quiz
):
    """A refresh stored the row after the replica's last replay: the page shows the
    primary's row instead of computing the statistics again over every attempt."""
    quiz = reported_quiz["quiz"]
    client.force_login(reported_quiz["instructor"])
    QuizStatistics.objects.filter(quiz=quiz).delete()
    pause_replay()
    services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")
    # A recomputation would store 1 again; 7 tells the stored row from a new one.
    QuizStatistics.objects.filter(quiz=quiz).update(attempt_count=7)

    response = client.get(reverse("reports:quiz-statistics", kwargs={"pk": quiz.pk}))

    assert response.status_code == 200
    assert response.context["stats"].attempt_count == 7
    assert QuizStatistics.objects.get(quiz=quiz, which="first").attempt_count == 7
    assert PIN_COOKIE not in response.cookies  # the page wrote nothing


def test_the_page_right_after_a_write_reads_the_primary(client, reported_quiz):
    client.force_login(reported_quiz["instructor"])
    pause_replay()

    response = client.post(
        reverse("reports:cohort-export", kwargs={"pk": reported_quiz["cohort"].pk})
    )
    job = ExportJob.objects.get(requested_by=reported_quiz["instructor"])
    detail = client.get(response.url)
    # The same page without the browser's pin cookie is read from the replica, which
    # has not replayed the job yet.
    client.cookies.pop(PIN_COOKIE)
    unpinned = client.get(response.url)

    assert response.url == reverse("reports:export-detail", kwargs={"pk": job.pk})
    assert PIN_COOKIE in response.cookies
    assert detail.status_code == 200
    assert detail.context["job"].pk == job.pk
    assert unpinned.status_code == 404


def test_the_statistics_refresh_reads_and_writes_the_primary(reported_quiz):
    quiz = reported_quiz["quiz"]
    student = UserFactory()
    CohortMembership.objects.create(cohort=reported_quiz["cohort"], student=student)
    pause_replay()
    Attempt.objects.create(
        quiz=quiz,
        student=student,
        number=1,
        state=Attempt.State.GRADED,
        submitted_at=timezone.now(),
        score=Decimal(0),
        max_score=Decimal(1),
    )

    with replica_reads():
        stats = services.refresh_quiz_statistics(quiz_id=quiz.pk, which="first")

    # Read inside its transaction, so from the primary: both attempts count.
    assert stats.attempt_count == 2
    assert QuizStatistics.objects.get(pk=stats.pk).attempt_count == 2


def test_export_rows_come_from_the_replica_and_the_job_from_the_primary(
    reported_quiz,
):
    late = UserFactory(last_name="Zed")
    pause_replay()
    CohortMembership.objects.create(cohort=reported_quiz["cohort"], student=late)
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.COHORT_GRADES,
        requested_by=reported_quiz["instructor"],
        cohort=reported_quiz["cohort"],
    )

    # The job exists only on the primary; the rows are the paused replica's.
    finished = exports.run_export(job_id=job.pk)
    text = exports.export_path(finished.file_name).read_text(encoding="utf-8")

    assert finished.state == ExportJob.State.DONE
    assert late.email not in text
    assert text.count("\n") == 2  # the header and the one student replayed
