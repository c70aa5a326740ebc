"""Celery tasks for progress reports: thin, idempotent, safe to run twice or at once."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from . import reports, services


@shared_task(name="progress.tasks.build_and_send_weekly_reports")
def build_and_send_weekly_reports(period: str | None = None) -> dict:
    """Write last week's (or the given ISO week's) outbox rows, then send what is due."""
    monday = (
        reports.parse_period(period)
        if period
        else reports.last_complete_week(timezone.now())
    )
    created = services.build_reports(period=monday)
    # Rows are committed before sending starts; if this task dies, the retry sweep
    # (or a redelivery of this task) finds them and repeats nothing already sent.
    if created > services.send_batch_size():
        # More than a batch: idle worker processes help; `sent` below is this task's share.
        for _ in range(services.extra_senders()):
            send_progress_reports.delay()
    sent = services.send_due_reports()
    return {"period": f"{monday:%G-W%V}", "created": created, **asdict(sent)}


@shared_task(name="progress.tasks.send_progress_reports")
def send_progress_reports() -> dict:
    """Send every report that is due; rows record progress, so a retry repeats nothing."""
    return asdict(services.send_due_reports())
