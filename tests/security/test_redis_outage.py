"""Redis dies under a signed-in student: pages, log-in, autosave, quiz start and submit
keep working from the database, and everything is graded once Redis is back.

The test runs its own redis-server (never the shared one) as broker and cache, with
the cache configured exactly as production's (config.settings.base.redis_cache).
"""

from __future__ import annotations

import json
import logging
import os
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from analytics.models import ExportJob
from config.celery import app as celery_app
from config.settings.base import redis_cache
from quizzes.models import Attempt
from quizzes.tasks import sweep_attempts
from tests.accounts.factories import DEFAULT_PASSWORD, UserFactory
from tests.helpers.factories import cohort_with
from tests.helpers.worker import CeleryWorkerProcess, database_url
from tests.quizzes.factories import QuizFactory, make_single_choice
from tests.quizzes.handles import as_student_sends
from tests.security.test_fault_drills import OwnRedis, celery_pointed_at, wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Generous: each request with Redis down should take well under a second.
SLOW = 3.0


@pytest.fixture
def redis_for_everything(tmp_path, settings, monkeypatch):
    """Own Redis: database 0 the broker and results, database 1 the cache."""
    server = OwnRedis(tmp_path / "redis.log")
    server.start()
    settings.CACHES = {"default": redis_cache(server.url.replace("/0", "/1"))}
    try:
        with celery_pointed_at(server.url, settings, monkeypatch):
            yield server
    finally:
        server.kill()


def log_in(email: str) -> Client:
    browser = Client()
    response = browser.post(
        reverse("accounts:login"), {"username": email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302, response.content[:500]
    return browser


def timed(call):
    began = time.monotonic()
    response = call()
    return response, time.monotonic() - began


def test_a_redis_outage_under_a_signed_in_student_loses_nothing(
    redis_for_everything, tmp_path, caplog
):
    quiz = QuizFactory()
    question = make_single_choice(quiz)
    right = question.choices.order_by("-credit").first()
    student, latecomer = UserFactory(), UserFactory()
    cohort, instructor, _ = cohort_with(students=1)
    browser = log_in(student.email)
    started = browser.post(reverse("quizzes:start", args=[quiz.pk]))
    attempt = Attempt.objects.get(student=student)
    assert started["Location"] == attempt.get_absolute_url()
    browser.get(reverse("quizzes:intro", args=[quiz.pk]))  # fills the quiz cache

    answers = as_student_sends(attempt, {str(question.pk): {"choice": right.pk}})

    redis_for_everything.kill()
    caplog.set_level(logging.WARNING, logger="tradeoffs.cache")
    outcomes = {}
    # The signed-in student carries on, as the browser and quiz.js would.
    outcomes["page"] = timed(lambda: browser.get(attempt.get_absolute_url()))
    outcomes["autosave"] = timed(
        lambda: browser.put(
            reverse("api-attempt-responses", args=[attempt.pk]),
            json.dumps({"answers": answers}),
            content_type="application/json",
        )
    )
    outcomes["submit"] = timed(
        lambda: browser.post(reverse("quizzes:submit", args=[attempt.pk]))
    )
    outcomes["result"] = timed(
        lambda: browser.get(reverse("quizzes:result", args=[attempt.pk]))
    )
    # Someone else logs in and starts the quiz during the outage.
    latecomer_browser, took = timed(lambda: log_in(latecomer.email))
    outcomes["log-in"] = (None, took)
    outcomes["start"] = timed(
        lambda: latecomer_browser.post(reverse("quizzes:start", args=[quiz.pk]))
    )
    # An instructor's export fails at once with a reason, never stays pending.
    teacher = log_in(instructor.email)
    outcomes["export"] = timed(
        lambda: teacher.post(reverse("reports:cohort-export", args=[cohort.pk]))
    )

    codes = {name: r.status_code for name, (r, _) in outcomes.items() if r is not None}
    assert codes == {
        "page": 200,
        "autosave": 200,
        "submit": 302,
        "result": 200,
        "start": 302,
        "export": 302,
    }
    slow = {name: round(s, 2) for name, (_, s) in outcomes.items() if s > SLOW}
    assert slow == {}
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    job = ExportJob.objects.get()
    assert job.state == ExportJob.State.FAILED
    assert "background task service is unavailable" in job.error
    shown = teacher.get(reverse("reports:export-detail", args=[job.pk]))
    assert "background task service is unavailable" in shown.content.decode()
    # The cache said what happened, as warnings, one line each.
    warnings = [r for r in caplog.records if r.name == "tradeoffs.cache"]
    assert warnings and all(r.levelno == logging.WARNING for r in warnings)
    assert all(r.exc_info is None for r in warnings)

    redis_for_everything.start()
    worker = CeleryWorkerProcess(
        app=celery_app,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url(connection.settings_dict),
            "CELERY_BROKER_URL": redis_for_everything.url,
            "CELERY_RESULT_BACKEND": redis_for_everything.url,
        },
        log_path=tmp_path / "worker.log",
    )
    worker.start()
    try:
        assert sweep_attempts(stale_after_seconds=0) == {"closed": 0, "requeued": 1}
        wait_for(
            lambda: Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADED,
            message=f"grading; worker log:\n{worker.log_tail()}",
        )
    finally:
        worker.stop()

    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score) == (1, 1)
    # Graded once: nothing is left for the sweep, and the page shows the grade.
    assert sweep_attempts(stale_after_seconds=0) == {"closed": 0, "requeued": 0}
    assert browser.get(reverse("quizzes:result", args=[attempt.pk])).status_code == 200
