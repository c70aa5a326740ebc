"""The real Celery path: tasks travel through Redis to a worker subprocess and back."""

import time

import pytest
from django.contrib.auth import get_user_model

from config.celery import app, ping

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RESULT_TIMEOUT = 30


def test_ping_task_round_trips_through_a_real_worker(celery_worker_proc):
    result = ping.delay()

    assert result.get(timeout=RESULT_TIMEOUT) == "pong"
    assert result.successful()


def test_task_queued_while_no_worker_runs_is_consumed_once_one_starts(
    celery_worker_proc,
):
    celery_worker_proc.stop()
    assert not celery_worker_proc.running

    result = ping.delay()
    # Nothing consumes the queue now, so the message must wait in Redis.
    time.sleep(1)
    assert result.state == "PENDING"

    celery_worker_proc.start()

    assert result.get(timeout=RESULT_TIMEOUT) == "pong"


def test_worker_killed_with_sigkill_comes_back_on_restart(celery_worker_proc):
    first_pid = celery_worker_proc.pid

    celery_worker_proc.kill()
    assert not celery_worker_proc.running
    assert not celery_worker_proc.ping(timeout=0.5)

    celery_worker_proc.restart()

    assert celery_worker_proc.pid != first_pid
    assert ping.delay().get(timeout=RESULT_TIMEOUT) == "pong"


def test_worker_reads_rows_the_test_committed_and_the_test_reads_its_writes(
    celery_worker_proc,
):
    user_model = get_user_model()
    user_model.objects.create_user(email="from-test@example.org", password=None)

    seen = app.send_task("tests.helpers.user_exists", args=["from-test@example.org"])
    missing = app.send_task("tests.helpers.user_exists", args=["nobody@example.org"])
    created = app.send_task(
        "tests.helpers.create_user", args=["from-worker@example.org"]
    )

    assert seen.get(timeout=RESULT_TIMEOUT) is True
    assert missing.get(timeout=RESULT_TIMEOUT) is False
    user_id = created.get(timeout=RESULT_TIMEOUT)
    assert user_model.objects.get(pk=user_id).email == "from-worker@example.org"


# A worker is handed on from test to test (celery_worker_proc in tests/conftest.py) only
# when it holds nothing that could run in the next one.


def test_an_idle_worker_settles_and_shows_the_next_test_only_its_own_log(
    celery_worker_proc,
):
    assert ping.delay().get(timeout=RESULT_TIMEOUT) == "pong"
    assert "config.ping" in celery_worker_proc.log_tail()

    assert celery_worker_proc.settle()
    celery_worker_proc.begin_test()

    assert "config.ping" not in celery_worker_proc.log_tail()


def test_a_countdown_the_worker_holds_never_runs_after_it_settles(celery_worker_proc):
    later = ping.apply_async(countdown=2)
    deadline = time.monotonic() + RESULT_TIMEOUT
    while "received" not in celery_worker_proc.log_tail():
        assert time.monotonic() < deadline, celery_worker_proc.log_tail()
        time.sleep(0.1)

    assert celery_worker_proc.settle()
    assert celery_worker_proc.resume()
    # Past its time, in what would be the next test: dropped, not run.
    time.sleep(3)
    assert ping.delay().get(timeout=RESULT_TIMEOUT) == "pong"

    assert later.state != "SUCCESS"
    assert f"{later.id}] succeeded" not in celery_worker_proc.log_tail()


def test_a_settled_worker_takes_nothing_until_it_resumes(celery_worker_proc):
    assert celery_worker_proc.settle()

    # What a test without a worker queues must wait, as if no worker ran.
    waiting = ping.delay()
    time.sleep(1)
    assert waiting.state == "PENDING"

    # The next worker test starts with an empty queue and a consuming worker.
    assert celery_worker_proc.resume()
    assert waiting.state == "PENDING"
    assert ping.delay().get(timeout=RESULT_TIMEOUT) == "pong"
