"""Celery tasks for progress reports: thin, idempotent, safe to run twice or at once."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task
from django.utils import timezone

from . import reports, services


@shared_task(name="progress.tasks.build_and_send_weekly_reports")
def build_and_send_weekly_reports(period: str | None = None) -> dict:
    """Write last week's (or the given ISO week's) outbox rows, then queue the sending."""
    monday = (
        reports.parse_period(period)
        if period
        else reports.last_complete_week(timezone.now())
    )
    created = services.build_reports(period=monday)
    send_progress_reports.delay()
    return {"period": f"{monday:%G-W%V}", "created": created}


@shared_task(name="progress.tasks.send_progress_reports")
def send_progress_reports() -> dict:
    """Send every report that is due; rows record progress, so a retry repeats nothing."""
    return asdict(services.send_due_reports())
