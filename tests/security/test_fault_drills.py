"""Fault drills on real services: Redis dies while students submit; PostgreSQL drops mid-save."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import redis
from django.db import OperationalError, connection, connections, transaction
from django.test import RequestFactory
from django.urls import reverse
from kombu import pools as kombu_pools
from rest_framework.test import APIClient

from config.celery import app as celery_app
from core.middleware import DatabaseUnavailableMiddleware
from quizzes import services
from quizzes.models import Attempt, Question, Response
from quizzes.tasks import sweep_attempts
from tests.accounts.factories import UserFactory
from tests.helpers.worker import CeleryWorkerProcess, database_url
from tests.quizzes.factories import (
    QuizFactory,
    make_essay,
    make_quiz_with_every_kind,
    make_single_choice,
)
from tests.quizzes.handles import as_student_sends

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TIMEOUT = 30
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def wait_for(predicate, *, timeout: float = TIMEOUT, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OwnRedis:
    """A redis-server of this test's own, on a free port: stopping it harms nobody else."""

    def __init__(self, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        try:
            self.process = subprocess.Popen(
                [
                    REDIS_SERVER,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        finally:
            log.close()
        wait_for(self.answers, timeout=10, message=f"redis-server on {self.port}")

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL by our own PID, as a crash would; nothing is saved (--save "")."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not self.answers(), timeout=10, message="redis to stop")


def _reset_celery_connections() -> None:
    # The app caches its broker pool, producer pools (its own and the control mailbox's)
    # and result backend: drop them all, or they keep a connection to a dead server.
    kombu_pools.reset()
    celery_app.control.mailbox.__dict__.pop("producer_pool", None)
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local.__dict__.pop("backend", None)


@contextlib.contextmanager
def celery_pointed_at(url: str, settings, monkeypatch):
    # Read before the environment changes: Celery's properties prefer the environment.
    before = (celery_app.conf.broker_url, celery_app.conf.result_backend)
    settings.CELERY_BROKER_URL = url
    settings.CELERY_RESULT_BACKEND = url
    # Celery reads these two from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setenv("CELERY_RESULT_BACKEND", url)
    celery_app.conf.broker_url = url
    celery_app.conf.result_backend = url
    _reset_celery_connections()
    try:
        assert url.split("//")[-1] in celery_app.connection_for_write().as_uri()
        yield
    finally:
        monkeypatch.undo()
        celery_app.conf.broker_url, celery_app.conf.result_backend = before
        _reset_celery_connections()
        assert (celery_app.conf.broker_url, celery_app.conf.result_backend) == before


@pytest.fixture
def own_redis(tmp_path, settings, monkeypatch):
    server = OwnRedis(tmp_path / "redis.log")
    server.start()
    try:
        with celery_pointed_at(server.url, settings, monkeypatch):
            yield server
    finally:
        server.kill()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_students_submit_while_redis_is_down_and_the_sweep_grades_them_later(
    own_redis, tmp_path
):
    quiz = QuizFactory()
    question = make_single_choice(quiz)
    right = question.choices.order_by("-credit").first()
    students = UserFactory.create_batch(3)
    attempts = [
        services.start_attempt(quiz=quiz, student=student)[0] for student in students
    ]

    own_redis.kill()
    codes, seconds = [], []
    for student, attempt in zip(students, attempts, strict=True):
        began = time.monotonic()
        response = client_for(student).post(
            reverse("api-attempt-submit", args=[attempt.pk]),
            {
                "answers": as_student_sends(
                    attempt, {str(question.pk): {"choice": right.pk}}
                )
            },
            format="json",
        )
        seconds.append(time.monotonic() - began)
        codes.append(response.status_code)

    # Every submit is accepted and kept, though no grading message could be sent.
    assert codes == [202, 202, 202]
    # Grading is queued without a result subscription, and the result backend gives up
    # after a few quick tries (CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS): a student never
    # waits on the dead Redis.
    assert max(seconds) < 3, seconds
    states = set(
        Attempt.objects.filter(pk__in=[a.pk for a in attempts]).values_list(
            "state", flat=True
        )
    )
    assert states == {Attempt.State.SUBMITTED}

    own_redis.start()
    _reset_celery_connections()
    worker = CeleryWorkerProcess(
        app=celery_app,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "CELERY_BROKER_URL": own_redis.url,
            "CELERY_RESULT_BACKEND": own_redis.url,
        },
        log_path=tmp_path / "worker.log",
    )
    worker.start()
    try:
        swept = sweep_attempts(stale_after_seconds=0)

        assert swept == {"closed": 0, "requeued": 3}
        wait_for(
            lambda: (
                set(
                    Attempt.objects.filter(pk__in=[a.pk for a in attempts]).values_list(
                        "state", flat=True
                    )
                )
                == {Attempt.State.GRADED}
            ),
            message=f"grading by the worker; its log:\n{worker.log_tail()}",
        )
    finally:
        worker.stop()
    graded = Attempt.objects.filter(pk__in=[a.pk for a in attempts])
    assert {(a.score, a.max_score) for a in graded} == {(1, 1)}


# --- PostgreSQL drops the request's connection in the middle of a save ------------------


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waiting_on_a_lock(pid: int) -> bool:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


class Saboteur:
    """Hold a row lock so the request blocks mid-transaction, then kill its backend."""

    def __init__(self, *, victim_pid: int, locked_response_id: int) -> None:
        self.victim_pid = victim_pid
        self.locked_response_id = locked_response_id
        self.locked = threading.Event()
        self.terminated = threading.Event()
        self.errors: list[BaseException] = []
        self.holder = threading.Thread(target=self._hold, daemon=True)
        self.killer = threading.Thread(target=self._kill, daemon=True)

    def __enter__(self):
        self.holder.start()
        assert self.locked.wait(TIMEOUT), "could not lock the response row"
        self.killer.start()
        return self

    def __exit__(self, *exc):
        self.terminated.set()
        self.killer.join(TIMEOUT)
        self.holder.join(TIMEOUT)
        if self.errors:
            raise self.errors[0]

    def _hold(self) -> None:
        try:
            with transaction.atomic():
                Response.objects.select_for_update().get(pk=self.locked_response_id)
                self.locked.set()
                self.terminated.wait(TIMEOUT)
        except BaseException as exc:  # noqa: BLE001 - reported by __exit__
            self.errors.append(exc)
        finally:
            connections.close_all()

    def _kill(self) -> None:
        try:
            wait_for(
                lambda: _waiting_on_a_lock(self.victim_pid),
                message="the request to block on the locked row",
            )
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [self.victim_pid])
                assert cursor.fetchone()[0] is True
        except BaseException as exc:  # noqa: BLE001 - reported by __exit__
            self.errors.append(exc)
        finally:
            self.terminated.set()
            connections.close_all()


def test_a_connection_killed_mid_submit_is_a_clean_503_and_nothing_half_written():
    quiz = make_quiz_with_every_kind()
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    essay = quiz.questions.get(kind=Question.Kind.ESSAY)
    extra = make_essay(quiz, position=99)
    short = quiz.questions.get(kind=Question.Kind.SHORT_ANSWER)
    # The new question has no response row yet, so the submit INSERTs one first, then
    # blocks on the UPDATE of the locked row: the connection dies after a real write.
    answers = {
        str(extra.pk): {"text": "Inserted before the drop"},
        str(essay.pk): {"text": "Both sides have a cost."},
        str(short.pk): {"text": "the state"},
    }
    client = client_for(student)
    url = reverse("api-attempt-submit", args=[attempt.pk])
    rows_before = Response.objects.filter(attempt=attempt).count()
    locked = Response.objects.get(attempt=attempt, question=essay)

    with Saboteur(victim_pid=_backend_pid(), locked_response_id=locked.pk):
        dropped = client.post(url, {"answers": answers}, format="json")

    assert dropped.status_code == 503
    assert dropped["Content-Type"] == "application/json"
    assert dropped.json()["code"] == "service_unavailable"
    assert int(dropped["Retry-After"]) > 0
    # Rolled back with the connection: no new row, no answer, still in progress.
    assert Response.objects.filter(attempt=attempt).count() == rows_before
    assert not Response.objects.filter(attempt=attempt, question=extra).exists()
    assert Response.objects.get(pk=locked.pk).answer is None
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.IN_PROGRESS

    retried = client.post(url, {"answers": answers}, format="json")

    assert retried.status_code == 202
    assert Response.objects.filter(attempt=attempt).count() == rows_before + 1
    saved = dict(
        Response.objects.filter(attempt=attempt, answer__isnull=False).values_list(
            "question_id", "answer"
        )
    )
    assert saved == {int(qid): answer for qid, answer in answers.items()}
    assert Attempt.objects.filter(student=student).count() == 1


def test_a_connection_killed_mid_autosave_then_the_next_save_succeeds():
    quiz = make_quiz_with_every_kind()
    student = UserFactory()
    attempt, _ = services.start_attempt(quiz=quiz, student=student)
    essay = quiz.questions.get(kind=Question.Kind.ESSAY)
    locked = Response.objects.get(attempt=attempt, question=essay)
    client = client_for(student)
    url = reverse("api-attempt-responses", args=[attempt.pk])
    body = {"answers": {str(essay.pk): {"text": "Draft"}}}

    with Saboteur(victim_pid=_backend_pid(), locked_response_id=locked.pk):
        dropped = client.put(url, body, format="json")

    assert dropped.status_code == 503
    assert Response.objects.get(pk=locked.pk).answer is None

    saved = client.put(url, body, format="json")

    assert saved.status_code == 200
    assert Response.objects.get(pk=locked.pk).answer == {"text": "Draft"}


def test_a_page_request_that_loses_the_database_gets_a_plain_503(client):

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    request = RequestFactory().post("/quizzes/attempts/1/submit/")

    response = middleware.process_exception(
        request, OperationalError("server closed the connection unexpectedly")
    )
    other = middleware.process_exception(request, ValueError("a bug"))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert "try again in a few seconds" in response.content.decode()
    assert other is None
