"""The broker's primary dies during a burst of submits (issue 20, part 3).

Redis behind Sentinel, all of this test's own on loopback ports: a primary, a replica
and three sentinels (quorum 2). Celery, here and in a real worker subprocess, reaches
Redis through the sentinels (`sentinel://` URLs, CELERY_SENTINEL_MASTER). Students
submit one after another; a third of the way through, the primary is SIGKILLed.
Sentinel promotes the replica, the worker reconnects to it through Sentinel, and the
submits whose grading message was lost with the primary (or could not be sent while
there was none) are re-queued by the sweep. Every attempt ends graded, and graded
once: a trigger logs each write that leaves an attempt graded.
Reproduce: `pytest tests/scaleout/test_broker_failover.py -s` (prints the figures).
"""

from __future__ import annotations

import contextlib
import os
import time

import pytest
from django.db import connection

from config.celery import app as celery_app
from quizzes import services
from quizzes.models import Attempt
from quizzes.tasks import sweep_attempts
from tests.accounts.factories import UserFactory
from tests.helpers.scaleout import SentinelRedis
from tests.helpers.worker import CeleryWorkerProcess, database_url
from tests.quizzes.factories import QuizFactory, make_single_choice
from tests.security.test_fault_drills import _reset_celery_connections

pytestmark = [
    pytest.mark.worker,
    pytest.mark.drill,
    pytest.mark.django_db(transaction=True),
]

STUDENTS = 150
KILL_AFTER = 50
MASTER = "tradeoffs"

GRADING_LOG = """
CREATE TABLE drill_gradings (attempt_id bigint NOT NULL, at timestamptz DEFAULT now());
CREATE FUNCTION drill_log_grading() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO drill_gradings (attempt_id) VALUES (NEW.id);
    RETURN NEW;
END $$;
CREATE TRIGGER drill_grading AFTER UPDATE ON quizzes_attempt
    FOR EACH ROW WHEN (NEW.state = 'graded') EXECUTE FUNCTION drill_log_grading();
"""
NO_GRADING_LOG = """
DROP TRIGGER IF EXISTS drill_grading ON quizzes_attempt;
DROP FUNCTION IF EXISTS drill_log_grading();
DROP TABLE IF EXISTS drill_gradings;
"""


@pytest.fixture
def sentinel_redis():
    redis_set = SentinelRedis(master=MASTER)
    try:
        redis_set.start()
        yield redis_set
    finally:
        redis_set.stop()


@contextlib.contextmanager
def celery_through(redis_set: SentinelRedis, settings, monkeypatch):
    """Point this process's Celery app at the sentinels, as production settings do."""
    url = redis_set.broker_url
    conf = celery_app.conf
    before = (
        conf.broker_url,
        conf.result_backend,
        dict(conf.broker_transport_options),
        dict(conf.result_backend_transport_options),
    )
    for name in ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"):
        monkeypatch.setenv(name, url)
        setattr(settings, name, url)
    conf.broker_url = conf.result_backend = url
    conf.broker_transport_options = {**before[2], "master_name": MASTER}
    conf.result_backend_transport_options = {**before[3], "master_name": MASTER}
    _reset_celery_connections()
    try:
        yield
    finally:
        monkeypatch.undo()
        (
            conf.broker_url,
            conf.result_backend,
            conf.broker_transport_options,
            conf.result_backend_transport_options,
        ) = before
        _reset_celery_connections()


@pytest.fixture
def grading_log():
    with connection.cursor() as cursor:
        cursor.execute(NO_GRADING_LOG + GRADING_LOG)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(NO_GRADING_LOG)


def gradings() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attempt_id, count(*) FROM drill_gradings GROUP BY attempt_id"
        )
        return dict(cursor.fetchall())


def wait_until(check, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    pytest.fail(f"Gave up waiting for {what} after {timeout:.0f}s")


def test_killing_the_broker_primary_mid_burst_loses_and_repeats_no_grade(
    sentinel_redis, grading_log, settings, monkeypatch, tmp_path, capsys
):
    quiz = QuizFactory()
    question = make_single_choice(quiz)
    right = question.choices.order_by("-credit").first()
    attempts = [
        services.start_attempt(quiz=quiz, student=student)[0]
        for student in UserFactory.create_batch(STUDENTS)
    ]
    first_primary = sentinel_redis.current_primary()

    with celery_through(sentinel_redis, settings, monkeypatch):
        worker = CeleryWorkerProcess(
            app=celery_app,
            env={
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
                "DATABASE_URL": database_url(connection.settings_dict),
                "CELERY_BROKER_URL": sentinel_redis.broker_url,
                "CELERY_RESULT_BACKEND": sentinel_redis.broker_url,
                "CELERY_SENTINEL_MASTER": MASTER,
            },
            log_path=tmp_path / "worker.log",
        )
        worker.start()
        try:
            began = time.monotonic()
            for index, attempt in enumerate(attempts):
                if index == KILL_AFTER:
                    sentinel_redis.process_on(first_primary).kill()
                    killed_at = time.monotonic()
                services.submit_attempt(
                    attempt=attempt, answers={str(question.pk): {"choice": right.pk}}
                )
            burst_seconds = time.monotonic() - began
            sentinel_redis.wait_for(
                lambda: sentinel_redis.current_primary() not in (None, first_primary),
                "Sentinel to promote the replica",
            )
            promoted_after = time.monotonic() - killed_at
            # What the dead primary held, or was never sent, waits `submitted`;
            # the sweep (beat runs it every few minutes) queues it again.
            graded_before_sweep = Attempt.objects.filter(
                state=Attempt.State.GRADED
            ).count()
            requeued = sweep_attempts(stale_after_seconds=0)["requeued"]
            wait_until(
                lambda: (
                    not Attempt.objects.exclude(state=Attempt.State.GRADED).exists()
                ),
                timeout=120,
                what=f"every attempt graded; worker log:\n{worker.log_tail()}",
            )
            # Anything still queued twice is taken now, and must change nothing.
            time.sleep(2)
        finally:
            worker.stop()

    counts = gradings()
    graded = Attempt.objects.filter(state=Attempt.State.GRADED).count()
    lost = STUDENTS - graded
    duplicated = sum(1 for n in counts.values() if n > 1)
    with capsys.disabled():
        print(
            f"\nbroker failover: {STUDENTS} attempts, {graded} graded, {lost} lost, "
            f"{duplicated} graded twice; primary killed after {KILL_AFTER} submits, "
            f"replica promoted {promoted_after:.1f}s later, burst {burst_seconds:.1f}s, "
            f"{graded_before_sweep} graded before the sweep re-queued {requeued}"
        )
    assert sentinel_redis.current_primary() != first_primary
    assert (graded, lost, duplicated) == (STUDENTS, 0, 0)
    assert len(counts) == STUDENTS
    scores = set(Attempt.objects.values_list("score", "max_score"))
    assert scores == {(1, 1)}
