"""Write use cases of progress reports: build the outbox, send it, resend, unsubscribe."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import services as account_services

from . import delivery, mail, reports, selectors
from .models import ProgressReport

logger = logging.getLogger(__name__)

KINDS = (ProgressReport.Kind.STUDENT, ProgressReport.Kind.INSTRUCTOR)


def _setting(name: str, default):
    return getattr(settings, name, default)


def build_batch_size() -> int:
    return _setting("PROGRESS_REPORT_BUILD_BATCH", 200)


def send_batch_size() -> int:
    return _setting("PROGRESS_REPORT_SEND_BATCH", 200)


def send_lease() -> timedelta:
    """How long a run may hold claimed rows before another run takes them over."""
    return timedelta(seconds=_setting("PROGRESS_REPORT_LEASE_SECONDS", 600))


def extra_senders() -> int:
    """Other worker processes the weekly run asks to send beside it, when there is more
    than one batch: claims skip each other's rows, so they share the outbox."""
    return _setting("PROGRESS_REPORT_EXTRA_SENDERS", 1)


def max_attempts() -> int:
    """Tries in the fast tier (doubling waits)."""
    return _setting("PROGRESS_REPORT_MAX_ATTEMPTS", delivery.MAX_ATTEMPTS)


def slow_retries() -> int:
    """Further tries, one per slow_retry_every(), before a transient failure is final."""
    return _setting("PROGRESS_REPORT_SLOW_RETRIES", delivery.SLOW_RETRIES)


def slow_retry_every() -> timedelta:
    return _setting("PROGRESS_REPORT_SLOW_RETRY_EVERY", delivery.SLOW_RETRY_EVERY)


# -- Building ------------------------------------------------------------------------------


def _drafts(users: list, *, kind: str, week: reports.Week) -> list[mail.Draft]:
    if kind == ProgressReport.Kind.INSTRUCTOR:
        by_instructor, questions = selectors.instructor_facts(users, week=week)
        heading = mail.instructor_heading(week)
        drafts = []
        for user in users:
            cohorts = [
                reports.build_cohort_digest(
                    facts, week=week, questions=questions, site_url=settings.SITE_URL
                )
                for facts in by_instructor.get(user.pk, [])
            ]
            digest = reports.InstructorDigest(
                name=user.display_name, week=week, cohorts=cohorts
            )
            drafts.append(mail.render_instructor(digest, user=user, heading=heading))
        return drafts
    facts, questions, tradeoff_names = selectors.student_facts(users, week=week)
    heading = mail.student_heading(week)
    return [
        mail.render_student(
            reports.build_student_report(
                facts[user.pk],
                week=week,
                questions=questions,
                tradeoff_names=tradeoff_names,
                site_url=settings.SITE_URL,
            ),
            user=user,
            heading=heading,
        )
        for user in users
    ]


def iter_drafts(
    *,
    period: date,
    kind: str,
    batch_size: int | None = None,
    skip_existing: bool = True,
) -> Iterator[list[mail.Draft]]:
    """Render the period's reports of one kind, a batch at a time; writes nothing."""
    week = reports.Week(period)
    for users in selectors.recipient_batches(
        kind=kind,
        period=period,
        batch_size=batch_size or build_batch_size(),
        skip_existing=skip_existing,
    ):
        yield _drafts(users, kind=kind, week=week)


def _check_period(period: date) -> None:
    if period.isoweekday() != 1:
        raise ValueError(f"A report period starts on a Monday, not {period:%A}.")


def build_reports(
    *,
    period: date,
    kinds: tuple[str, ...] = KINDS,
    batch_size: int | None = None,
) -> int:
    """Write the period's outbox rows, batch by batch; returns how many were new.

    Each batch commits on its own, so a crash keeps what was built; re-running skips
    users who have a row, and ignore_conflicts settles a race with a concurrent build.
    """
    _check_period(period)
    created = 0
    for kind in kinds:
        batches = iter_drafts(period=period, kind=kind, batch_size=batch_size)
        while True:
            with transaction.atomic():
                drafts = next(batches, None)
                if drafts is None:
                    break
                created += len(
                    ProgressReport.objects.bulk_create(
                        [
                            ProgressReport(
                                user_id=draft.user_id,
                                period=period,
                                kind=draft.kind,
                                subject=draft.subject,
                                text_body=draft.text_body,
                                html_body=draft.html_body,
                            )
                            for draft in drafts
                        ],
                        ignore_conflicts=True,
                    )
                )
    return created


def compose_report(*, user, period: date, kind: str) -> mail.Draft:
    """Render one user's report for a period without storing it (the admin preview)."""
    _check_period(period)
    return _drafts([user], kind=kind, week=reports.Week(period))[0]


# -- Sending -------------------------------------------------------------------------------


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


# -- Admin and preferences ----------------------------------------------------------------


@transaction.atomic
def resend_reports(*, report_ids: list[int]) -> int:
    """Put failed rows back in the queue with a fresh count of attempts."""
    return ProgressReport.objects.filter(
        pk__in=report_ids, state=ProgressReport.State.FAILED
    ).update(
        state=ProgressReport.State.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
    )


@transaction.atomic
def unsubscribe(*, user) -> None:
    """Turn progress e-mails off and cancel the user's reports not yet sent."""
    account_services.update_preferences(user=user, progress_emails=False)
    ProgressReport.objects.filter(user=user, state=ProgressReport.State.PENDING).update(
        state=ProgressReport.State.FAILED,
        last_error="Cancelled: the user unsubscribed before it was sent.",
    )
