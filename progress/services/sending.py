"""Send the outbox: claim due rows under a lease, deliver them over SMTP, record each."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import delivery, mail
from ..models import ProgressReport
from .limits import (
    max_attempts,
    send_batch_size,
    send_lease,
    slow_retries,
    slow_retry_every,
)

logger = logging.getLogger(__name__)


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    released: int = 0


def claim_reports(
    *, batch_size: int, now: datetime, lease: timedelta
) -> tuple[list[int], datetime]:
    """Take due rows for this run: pending ones whose time has come, or stale `sending` ones.

    SKIP LOCKED lets concurrent runs claim disjoint rows without waiting on each other;
    the lease end, stored in next_attempt_at, is this run's mark on the rows it holds.
    """
    lease_end = now + lease
    with transaction.atomic():
        ids = list(
            ProgressReport.objects.due(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:batch_size]
        )
        if ids:
            ProgressReport.objects.filter(pk__in=ids).update(
                state=ProgressReport.State.SENDING,
                attempts=F("attempts") + 1,
                next_attempt_at=lease_end,
            )
    return ids, lease_end


def _held(pk: int, lease_end: datetime):
    """The row, only while this run's lease on it still stands."""
    return ProgressReport.objects.filter(
        pk=pk, state=ProgressReport.State.SENDING, next_attempt_at=lease_end
    )


# _held(pk, lease_end).update(...) in SQL: this runs once per message, and building the
# query through the ORM cost more CPU than the database spends running it.
def _mark_sent(pk: int, lease_end: datetime) -> None:
    """Record one accepted message, in its own commit before the next one is sent.

    One statement per message, not one per batch: a run killed mid-batch then re-sends
    at most the message it was sending, not every message it had sent in the batch.
    """
    ProgressReport.objects.filter(
        pk=pk, state=ProgressReport.State.SENDING, next_attempt_at=lease_end
    ).update(state=ProgressReport.State.SENT, sent_at=timezone.now(), last_error="")


def _mark_failure(
    report: ProgressReport,
    failure: delivery.Failure,
    *,
    lease_end: datetime,
    now: datetime,
    result: SendResult,
) -> None:
    delay = (
        delivery.retry_delay(
            report.attempts,
            fast_tries=max_attempts(),
            slow_tries=slow_retries(),
            slow_every=slow_retry_every(),
        )
        if failure.transient
        else None
    )
    if delay is not None:
        result.retrying += 1
        _held(report.pk, lease_end).update(
            state=ProgressReport.State.PENDING,
            next_attempt_at=now + delay,
            last_error=failure.reason[:2000],
        )
        return
    result.failed += 1
    _held(report.pk, lease_end).update(
        state=ProgressReport.State.FAILED, last_error=failure.reason[:2000]
    )


def _release(ids: list[int], lease_end: datetime, now: datetime) -> int:
    """Hand unsent rows back untried, so the next run picks them up at once."""
    return (
        ProgressReport.objects.filter(
            pk__in=ids, state=ProgressReport.State.SENDING, next_attempt_at=lease_end
        ).update(
            state=ProgressReport.State.PENDING,
            next_attempt_at=now,
            attempts=F("attempts") - 1,
        )
        if ids
        else 0
    )


def _close(connection) -> None:
    try:
        connection.close()
    except (smtplib.SMTPException, OSError):
        # The server already hung up; there is nothing left to close politely.
        pass


# What sending reads of a row and its user: not the whole user, nor the bookkeeping.
_SENT_FIELDS = (
    "user",
    "period",
    "kind",
    "attempts",
    "subject",
    "text_body",
    "html_body",
)


def deliver_batch(
    ids: list[int], *, lease_end: datetime, lease: timedelta, now: datetime
) -> SendResult:
    """Send claimed rows over one SMTP connection, marking each sent once accepted."""
    result = SendResult()
    reports_ = list(
        ProgressReport.objects.filter(pk__in=ids, next_attempt_at=lease_end)
        .select_related("user")
        .only(*_SENT_FIELDS, "user__email")
        .order_by("pk")
    )
    connection = get_connection(fail_silently=False)
    # Built in one go rather than between SMTP replies, where the waits leave every
    # step slower; building a message reads only the row (encoding happens on send).
    messages = [mail.message_for(r, connection=connection) for r in reports_]
    is_open = False
    # Stop sending well before the lease ends, so no other run can hold the row by then.
    stop_at = lease_end - lease / 5
    try:
        for index, (report, message) in enumerate(zip(reports_, messages, strict=True)):
            if timezone.now() >= stop_at:
                result.released += _release(
                    [r.pk for r in reports_[index:]], lease_end, now
                )
                break
            if not is_open:
                try:
                    connection.open()
                    is_open = True
                except Exception as exc:  # noqa: BLE001 - recorded on every row left
                    # No connection at all: the rest of the batch waits for the server.
                    failure = delivery.classify(exc)
                    logger.warning("Progress reports: no SMTP connection: %s", failure)
                    for rest in reports_[index:]:
                        _mark_failure(
                            rest, failure, lease_end=lease_end, now=now, result=result
                        )
                    break
            try:
                accepted = connection.send_messages([message])
                if not accepted:
                    raise smtplib.SMTPException("The backend accepted nothing.")
            except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
                failure = delivery.classify(exc)
                logger.warning(
                    "Progress report %s to %s failed: %s",
                    report.pk,
                    report.user.email,
                    failure.reason,
                )
                _mark_failure(
                    report, failure, lease_end=lease_end, now=now, result=result
                )
                if failure.transient:
                    # 421 and disconnects leave the socket closed: start afresh next time.
                    _close(connection)
                    is_open = False
                continue
            _mark_sent(report.pk, lease_end)
            result.sent += 1
    finally:
        if is_open:
            _close(connection)
    return result


def send_due_reports(
    *,
    batch_size: int | None = None,
    now: datetime | None = None,
    max_batches: int | None = None,
) -> SendResult:
    """Claim and send due reports batch after batch until none is due; safe to overlap."""
    batch_size = batch_size or send_batch_size()
    lease = send_lease()
    total = SendResult()
    batches = 0
    while max_batches is None or batches < max_batches:
        moment = now or timezone.now()
        ids, lease_end = claim_reports(batch_size=batch_size, now=moment, lease=lease)
        if not ids:
            break
        batches += 1
        done = deliver_batch(ids, lease_end=lease_end, lease=lease, now=moment)
        total.sent += done.sent
        total.retrying += done.retrying
        total.failed += done.failed
        total.released += done.released
        if done.released:
            break
    return total
