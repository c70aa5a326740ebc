"""Faults on the way out: temporary refusals, a bad address, a dead server, overlapping runs."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone

from progress import services
from progress.models import ProgressReport
from progress.services import sending

from .factories import PERIOD, quiet_students

State = ProgressReport.State


def _outbox(count: int) -> list:
    students = quiet_students(count)
    services.build_reports(period=PERIOD, kinds=(ProgressReport.Kind.STUDENT,))
    return students


@pytest.mark.django_db
def test_421_for_the_first_commands_then_every_report_arrives_once(
    smtp_settings, smtp_server
):
    students = _outbox(5)
    smtp_server.handler.fail_first = 3
    first = services.send_due_reports()
    assert (first.sent, first.retrying, first.failed) == (2, 3, 0)
    waiting = ProgressReport.objects.filter(state=State.PENDING)
    assert waiting.count() == 3
    for row in waiting:
        assert row.attempts == 1
        assert row.last_error.startswith("421 4.3.2")
        # Backoff with jitter: half of the one-minute base is fixed, half random.
        assert (
            timedelta(seconds=29)
            < row.next_attempt_at - timezone.now()
            <= timedelta(minutes=1)
        )
    # Nothing is due again until the backoff has passed.
    assert services.send_due_reports().sent == 0

    later = timezone.now() + timedelta(minutes=2)
    second = services.send_due_reports(now=later)
    assert second.sent == 3
    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.django_db
def test_550_for_one_address_fails_that_row_and_sends_the_rest(
    smtp_settings, smtp_server
):
    students = _outbox(4)
    refused = students[1].email
    smtp_server.handler.refused = {refused}
    result = services.send_due_reports()
    assert (result.sent, result.failed, result.retrying) == (3, 1, 0)
    row = ProgressReport.objects.get(user=students[1])
    assert row.state == State.FAILED
    assert row.last_error == f"{refused}: 550 5.1.1 Mailbox unavailable"
    assert row.sent_at is None
    received = smtp_server.handler.per_recipient()
    assert received == Counter({s.email: 1 for s in students if s.email != refused})
    # One connection served the whole batch, the refusal included.
    assert smtp_server.handler.mail_commands == 4


@pytest.mark.django_db
def test_refused_connection_retries_with_backoff_then_fails_at_the_limit(settings):
    from .smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens there
    settings.PROGRESS_REPORT_MAX_ATTEMPTS = 3
    settings.PROGRESS_REPORT_SLOW_RETRIES = 0  # the fast tier alone
    _outbox(3)
    now = timezone.now()
    delays = []
    for attempt in range(1, 4):
        result = services.send_due_reports(now=now)
        rows = list(ProgressReport.objects.all())
        assert {r.attempts for r in rows} == {attempt}
        assert all("ConnectionRefusedError" in r.last_error for r in rows)
        if attempt < 3:
            assert result.retrying == 3
            delays.append(max(r.next_attempt_at for r in rows) - now)
            now = max(r.next_attempt_at for r in rows)
        else:
            assert result.failed == 3
            assert {r.state for r in rows} == {State.FAILED}
    # Exponential with jitter: 30-60 s after the first try, 60-120 s after the second.
    assert timedelta(seconds=30) <= delays[0] <= timedelta(seconds=60)
    assert timedelta(seconds=60) <= delays[1] <= timedelta(seconds=120)


@pytest.mark.django_db
def test_an_hour_long_outage_delays_the_reports_instead_of_failing_them(
    smtp_settings, smtp_server
):
    from .smtp import free_port

    students = _outbox(3)
    smtp_settings.EMAIL_PORT = free_port()  # down for over two hours
    now = timezone.now()
    start = now
    tries = 0
    while now - start < timedelta(minutes=150):
        result = services.send_due_reports(now=now)
        tries += 1
        assert (result.sent, result.failed) == (0, 0), f"try {tries}"
        rows = list(ProgressReport.objects.all())
        assert {r.state for r in rows} == {State.PENDING}
        now = max(r.next_attempt_at for r in rows)
    # Past the fast tier (six doubling waits, about half an hour), tries come hourly.
    assert tries > services.max_attempts()
    assert now - start > timedelta(minutes=150)
    gap = max(r.next_attempt_at for r in rows) - min(r.next_attempt_at for r in rows)
    assert gap < timedelta(minutes=7)

    smtp_settings.EMAIL_PORT = smtp_server.port  # the server is back
    assert services.send_due_reports(now=now).sent == 3
    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {State.SENT}


@pytest.mark.django_db
def test_a_transient_failure_is_final_after_a_day_of_hourly_tries(settings):
    from .smtp import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    _outbox(1)
    now = timezone.now()
    for _ in range(services.max_attempts() + services.slow_retries() - 1):
        assert services.send_due_reports(now=now).retrying == 1
        now = ProgressReport.objects.get().next_attempt_at
    assert services.send_due_reports(now=now).failed == 1
    row = ProgressReport.objects.get()
    assert row.state == State.FAILED
    assert row.attempts == services.max_attempts() + services.slow_retries()


@pytest.mark.django_db
def test_smtp_down_leaves_every_row_pending_until_a_later_run_sends_it_once(
    smtp_settings, smtp_server
):
    from .smtp import free_port

    students = _outbox(4)
    smtp_settings.EMAIL_PORT = free_port()  # nobody listens there
    down = services.send_due_reports()
    assert (down.sent, down.retrying, down.failed) == (0, 4, 0)
    rows = list(ProgressReport.objects.all())
    assert {r.state for r in rows} == {State.PENDING}
    assert all(r.sent_at is None and r.next_attempt_at > timezone.now() for r in rows)

    smtp_settings.EMAIL_PORT = smtp_server.port
    later = timezone.now() + timedelta(minutes=2)
    assert services.send_due_reports(now=later).sent == 4
    assert services.send_due_reports(now=later).sent == 0
    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )


@pytest.mark.django_db
def test_a_row_is_marked_sent_only_under_the_lease_that_sent_it():
    _outbox(2)
    ids, lease_end = services.claim_reports(
        batch_size=10, now=timezone.now(), lease=services.send_lease()
    )
    taken_over, held = ProgressReport.objects.filter(pk__in=ids).order_by("pk")
    # Another run took the first row over (as after an expired lease).
    ProgressReport.objects.filter(pk=taken_over.pk).update(
        next_attempt_at=lease_end + timedelta(minutes=1)
    )
    sending._mark_sent(taken_over.pk, lease_end)
    sending._mark_sent(held.pk, lease_end)
    taken_over.refresh_from_db()
    held.refresh_from_db()
    assert taken_over.state == State.SENDING and taken_over.sent_at is None
    assert held.state == State.SENT and held.sent_at is not None
    # Marking again changes nothing: the row no longer looks held.
    first_sent_at = held.sent_at
    sending._mark_sent(held.pk, lease_end)
    held.refresh_from_db()
    assert held.sent_at == first_sent_at


@pytest.mark.django_db
def test_a_crashed_runs_rows_are_taken_over_after_the_lease_and_sent_once(
    smtp_settings, smtp_server
):
    students = _outbox(3)
    ids, lease_end = services.claim_reports(
        batch_size=10, now=timezone.now(), lease=services.send_lease()
    )
    assert len(ids) == 3
    # The claiming run died here. While its lease stands nobody else touches the rows...
    assert services.send_due_reports().sent == 0
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {
        State.SENDING
    }
    # ...and once it has run out the next run sends them.
    result = services.send_due_reports(now=lease_end + timedelta(seconds=1))
    assert result.sent == 3
    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )
    assert {r.attempts for r in ProgressReport.objects.all()} == {2}


@pytest.mark.django_db
def test_sending_again_sends_nothing_twice(smtp_settings, smtp_server):
    students = _outbox(3)
    assert services.send_due_reports().sent == 3
    assert services.send_due_reports().sent == 0
    services.build_reports(period=PERIOD)
    assert services.send_due_reports().sent == 0
    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_report_once(smtp_settings, smtp_server):
    students = _outbox(24)
    smtp_server.handler.delay = 0.02
    results, errors = [], []
    start = threading.Barrier(2)

    def run():
        try:
            start.wait(timeout=10)
            results.append(services.send_due_reports(batch_size=4))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.sent for r in results) == 24
    # Both runs did part of the work: SKIP LOCKED let them share it.
    assert all(r.sent > 0 for r in results)
    assert smtp_server.handler.per_recipient() == Counter(
        {s.email: 1 for s in students}
    )
    assert set(ProgressReport.objects.values_list("state", flat=True)) == {State.SENT}
