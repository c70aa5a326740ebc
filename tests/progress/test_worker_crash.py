"""A real Celery worker killed mid-batch: after a restart nothing is lost or sent twice."""

import time
from collections import Counter

import pytest
from django.utils import timezone

from progress import services, tasks
from progress.models import ProgressReport

from .factories import PERIOD, quiet_students

State = ProgressReport.State
LEASE_SECONDS = 5


def _wait_for(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"Timed out waiting for {what}.")


@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(
    celery_worker_proc, smtp_server
):
    students = quiet_students(5)
    services.build_reports(period=PERIOD, kinds=(ProgressReport.Kind.STUDENT,))
    rows = list(ProgressReport.objects.select_related("user").order_by("pk"))
    stuck = rows[2].user.email
    smtp_server.handler.block_recipient = stuck

    # The fixture's worker runs config.settings.test (locmem mail); point it at our server.
    celery_worker_proc.env.update(
        DJANGO_SETTINGS_MODULE="tests.progress.worker_settings",
        PROGRESS_TEST_SMTP_PORT=str(smtp_server.port),
        PROGRESS_TEST_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    celery_worker_proc.restart()

    tasks.send_progress_reports.delay()
    assert smtp_server.handler.blocked.wait(30), celery_worker_proc.log_tail()
    # Mid-batch: two reports accepted and marked, the third on the wire, two waiting.
    states = Counter(ProgressReport.objects.values_list("state", flat=True))
    assert states == {State.SENT: 2, State.SENDING: 3}

    celery_worker_proc.kill()
    smtp_server.handler.release.set()
    assert smtp_server.handler.per_recipient() == Counter(
        {r.user.email: 1 for r in rows[:2]}
    )

    celery_worker_proc.start()
    lease_end = max(
        ProgressReport.objects.filter(state=State.SENDING).values_list(
            "next_attempt_at", flat=True
        )
    )
    _wait_for(
        lambda: timezone.now() > lease_end, timeout=LEASE_SECONDS + 5, what="the lease"
    )
    outcome = tasks.send_progress_reports.delay().get(timeout=30)
    assert outcome["sent"] == 3

    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {State.SENT}
    # The killed run's claim counts as a try for the three rows it held.
    attempts = dict(ProgressReport.objects.values_list("user__email", "attempts"))
    assert attempts == {
        r.user.email: 1 if index < 2 else 2 for index, r in enumerate(rows)
    }


@pytest.mark.django_db(transaction=True)
def test_a_weekly_run_of_more_than_a_batch_shares_sending_with_the_worker(
    celery_worker_proc, smtp_server, settings
):
    from django.core import mail as django_mail

    students = quiet_students(12)
    settings.PROGRESS_REPORT_SEND_BATCH = 2
    celery_worker_proc.env.update(
        DJANGO_SETTINGS_MODULE="tests.progress.worker_settings",
        PROGRESS_TEST_SMTP_PORT=str(smtp_server.port),
    )
    celery_worker_proc.restart()

    # This process sends to the locmem outbox, the worker's helper to the SMTP server.
    outcome = tasks.build_and_send_weekly_reports(f"{PERIOD:%G-W%V}")
    assert outcome["created"] == 12

    def delivered() -> Counter:
        return Counter(m.to[0] for m in django_mail.outbox) + (
            smtp_server.handler.per_recipient()
        )

    _wait_for(
        lambda: (
            sum(delivered().values()) >= 12
            and "succeeded" in (celery_worker_proc.log_tail())
        ),
        timeout=30,
        what="every report and the helper task",
    )
    assert delivered() == Counter({s.email: 1 for s in students})
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {State.SENT}
    assert "progress.tasks.send_progress_reports" in celery_worker_proc.log_tail()
